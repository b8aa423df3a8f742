// Numeric constants shared with bpf/include (types.h, counters.h).
export const MAX_RULES = 64;
export const MAX_SERVICES = 64;
export const MAX_BACKENDS = 1024;
export const MAGLEV_M = 4099;
export const MAX_IFACES = 64;
export const MAX_IFINDEX = 4096;
export const REASON_SLOTS = 32;

export const Action = { deny: 0, allow: 1, allowLog: 2 } as const;
export type ActionName = keyof typeof Action;

export const IfFlags = { policy: 1, appRules: 2, snat: 4, valid: 0x80 } as const;
export const SvcFlags = { maglev: 1, dnat: 2 } as const;
export const BackendFlags = { valid: 1 } as const;
export const Nat = { none: 0, src: 1, dst: 2 } as const;
export const CtState = { new: 0, synSent: 1, established: 2, closing: 3 } as const;
export const CtFlags = { lb: 1, log: 2 } as const;

export const Xdp = { aborted: 0, drop: 1, pass: 2, tx: 3, redirect: 4 } as const;
export const Tc = { ok: 0, shot: 2 } as const;
export const Proto = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 } as const;

/** Order matters: index = enum reason in counters.h. */
export const REASONS = [
  "pass_non_ip",
  "malformed_drop",
  "malformed_pass",
  "rate_limit_drop",
  "syn_flood_drop",
  "ct_orig",
  "ct_reply",
  "lb_new",
  "dnat_new",
  "policy_allow",
  "policy_deny",
  "default_allow",
  "default_deny",
  "lb_no_backend_drop",
  "egress_new",
  "snat_new",
  "snat_exhausted_drop",
  "steered",
  "classified",
  "tcp_no_state",
  "nd_pass",
] as const;
export type Reason = (typeof REASONS)[number];

/** Conntrack idle timeouts in ns, mirroring conntrack.h. */
const SEC = 1_000_000_000n;
export const CT_TIMEOUT = {
  syn: 60n * SEC,
  tcp: 3600n * SEC,
  close: 10n * SEC,
  new: 60n * SEC,
  est: 180n * SEC,
};

export function ctTimeout(proto: number, state: number): bigint {
  if (state === CtState.closing) return CT_TIMEOUT.close;
  if (proto === Proto.tcp) return state === CtState.established ? CT_TIMEOUT.tcp : CT_TIMEOUT.syn;
  return state === CtState.established ? CT_TIMEOUT.est : CT_TIMEOUT.new;
}
