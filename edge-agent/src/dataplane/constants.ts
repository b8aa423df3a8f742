// Numeric constants shared with the C data plane (bpf/include). Each group is one
// table mirroring one C enum: TS key -> [C member name, value]. The C side keeps
// these enums in BTF (bpf/include/btf_anchor.h) and bpf/tests/btf.bpf.test.ts
// compares every table in SHARED_ENUMS with its enum there, both ways, so a value
// or member that differs on either side fails a test. The short exports (Action,
// IfFlags, MAX_RULES, ...) are the TS key -> value view of a table.

type Members = Readonly<Record<string, readonly [cMember: string, value: number]>>;

/** A C enum mirrored in TS. */
export interface SharedEnum<M extends Members = Members> {
  readonly members: M;
  /** TS key -> value, e.g. Action.allowLog === 2. */
  readonly values: { readonly [K in keyof M]: M[K][1] };
}

function cEnum<const M extends Members>(members: M): SharedEnum<M> {
  const values = Object.fromEntries(Object.entries(members).map(([k, [, v]]) => [k, v]));
  return { members, values: values as SharedEnum<M>["values"] };
}

/** enum dp_layout (types.h): the pinned maps' layout version (migrations.ts). */
const dpLayout = cEnum({ DP_LAYOUT_VERSION: ["DP_LAYOUT_VERSION", 1] });
export const { DP_LAYOUT_VERSION } = dpLayout.values;

/** enum dp_limits (types.h): sizes and index strides. */
const dpLimits = cEnum({
  MAX_IFACES: ["MAX_IFACES", 64],
  MAX_IFINDEX: ["MAX_IFINDEX", 4096],
  MAX_RULES: ["MAX_RULES", 4096],
  POLICY_WIDE: ["POLICY_WIDE", 2048],
  POLICY_NODES: ["POLICY_NODES", 65536],
  POLICY_MASKS: ["POLICY_MASKS", 16384],
  MAX_SERVICES: ["MAX_SERVICES", 64],
  MAX_BACKENDS: ["MAX_BACKENDS", 1024],
  MAGLEV_REGION: ["MAGLEV_REGION", 207294],
  MAGLEV_POOL: ["MAGLEV_POOL", 2 * 207294],
  MAX_APPS: ["MAX_APPS", 1024],
});
export const {
  MAX_RULES,
  POLICY_WIDE,
  POLICY_NODES,
  POLICY_MASKS,
  MAX_SERVICES,
  MAX_BACKENDS,
  MAGLEV_REGION,
  MAGLEV_POOL,
  MAX_IFACES,
  MAX_IFINDEX,
  MAX_APPS,
} = dpLimits.values;

/** enum app_dir (types.h): app_counters[app_id * APP_DIRS + dir]. */
const appDir = cEnum({
  rx: ["APP_RX", 0],
  tx: ["APP_TX", 1],
  dirs: ["APP_DIRS", 2],
});
export const AppDir = appDir.values;

/** enum policy_action: policy_rule.action, if_config.default_action, log_event.action. */
const policyAction = cEnum({
  deny: ["ACT_DENY", 0],
  allow: ["ACT_ALLOW", 1],
  allowLog: ["ACT_ALLOW_LOG", 2],
});
export const Action = policyAction.values;
export type ActionName = keyof typeof Action;

/** enum policy_trie (types.h): trie roots within a bank, and the child flag of a slot. */
const policyTrie = cEnum({
  src4: ["PT_SRC4", 0],
  src6: ["PT_SRC6", 1],
  dst4: ["PT_DST4", 2],
  dst6: ["PT_DST6", 3],
  l4: ["PT_L4", 4],
  l4App: ["PT_L4_APP", 5],
  roots: ["PT_ROOTS", 6],
  child: ["PT_CHILD", 1],
});
export const PolicyTrie = policyTrie.values;

/** enum ifc_flags: if_config.flags. */
const ifcFlags = cEnum({
  policy: ["IFC_F_POLICY", 1 << 0],
  appRules: ["IFC_F_APP_RULES", 1 << 1],
  snat: ["IFC_F_SNAT", 1 << 2],
  valid: ["IFC_F_VALID", 1 << 7],
});
export const IfFlags = ifcFlags.values;

/** enum svc_flags: svc_value.flags. */
const svcFlags = cEnum({ maglev: ["SVC_F_MAGLEV", 1 << 0], dnat: ["SVC_F_DNAT", 1 << 1] });
export const SvcFlags = svcFlags.values;

/** enum backend_flags: backend.flags. */
const backendFlags = cEnum({ valid: ["BE_F_VALID", 1 << 0] });
export const BackendFlags = backendFlags.values;

/** enum steer_flags: steer_value.flags. */
const steerFlags = cEnum({ valid: ["STEER_F_VALID", 1 << 0] });
export const SteerFlags = steerFlags.values;

/** enum steer_dscp: steer_value.dscp that leaves the packet's DSCP untouched. */
const steerDscp = cEnum({ keep: ["STEER_DSCP_KEEP", 0xff] });
export const SteerDscp = steerDscp.values;

/** enum nat_kind: ct_entry.nat. */
const natKind = cEnum({ none: ["NAT_NONE", 0], src: ["NAT_SRC", 1], dst: ["NAT_DST", 2] });
export const Nat = natKind.values;

/** enum ct_state: ct_entry.state. */
const ctState = cEnum({
  new: ["CT_NEW", 0],
  synSent: ["CT_SYN_SENT", 1],
  established: ["CT_ESTABLISHED", 2],
  closing: ["CT_CLOSING", 3],
});
export const CtState = ctState.values;

/** enum ct_dir: ct_entry.dir. */
const ctDir = cEnum({ orig: ["CT_DIR_ORIG", 0], reply: ["CT_DIR_REPLY", 1] });
export const CtDir = ctDir.values;

/** enum ct_flags: ct_entry.flags (seq: seq_next holds this direction's sequence). */
const ctFlags = cEnum({
  lb: ["CT_F_LB", 1 << 0],
  log: ["CT_F_LOG", 1 << 1],
  seq: ["CT_F_SEQ", 1 << 2],
});

/** enum family: flow_key.family and frag_key.family. */
const family = cEnum({ v4: ["FAMILY_V4", 4], v6: ["FAMILY_V6", 6] });
export const Family = family.values;
export const CtFlags = ctFlags.values;

/** enum ct_timeout_sec (conntrack.h): idle timeouts per state, in seconds. */
const ctTimeoutSec = cEnum({
  syn: ["CT_TIMEOUT_SYN_SEC", 60],
  tcp: ["CT_TIMEOUT_TCP_SEC", 3600],
  close: ["CT_TIMEOUT_CLOSE_SEC", 10],
  new: ["CT_TIMEOUT_NEW_SEC", 60],
  est: ["CT_TIMEOUT_EST_SEC", 180],
});
const ns = (sec: number) => BigInt(sec) * 1_000_000_000n;
/** The same timeouts in ns, as the reaper compares them with `expires`. */
export const CT_TIMEOUT = {
  syn: ns(ctTimeoutSec.values.syn),
  tcp: ns(ctTimeoutSec.values.tcp),
  close: ns(ctTimeoutSec.values.close),
  new: ns(ctTimeoutSec.values.new),
  est: ns(ctTimeoutSec.values.est),
};

/** enum xdp_action (linux/bpf.h): XDP results, if_config.malformed_action. */
const xdpAction = cEnum({
  aborted: ["XDP_ABORTED", 0],
  drop: ["XDP_DROP", 1],
  pass: ["XDP_PASS", 2],
  tx: ["XDP_TX", 3],
  redirect: ["XDP_REDIRECT", 4],
});
export const Xdp = xdpAction.values;

/** enum pn_tc_act (btf_anchor.h, = TC_ACT_* of linux/pkt_cls.h): TC results. */
const tcAct = cEnum({ ok: ["PN_TC_ACT_OK", 0], shot: ["PN_TC_ACT_SHOT", 2] });
export const Tc = tcAct.values;

/** enum pn_ipproto (btf_anchor.h, = IPPROTO_*): protocol numbers in keys and rules. */
const ipProto = cEnum({
  icmp: ["PN_IPPROTO_ICMP", 1],
  tcp: ["PN_IPPROTO_TCP", 6],
  udp: ["PN_IPPROTO_UDP", 17],
  icmpv6: ["PN_IPPROTO_ICMPV6", 58],
});
export const Proto = ipProto.values;

/** enum reason (counters.h): counter index = slot * REASON_SLOTS + reason value. */
const reason = cEnum({
  pass_non_ip: ["R_PASS_NON_IP", 0],
  malformed_drop: ["R_MALFORMED_DROP", 1],
  malformed_pass: ["R_MALFORMED_PASS", 2],
  rate_limit_drop: ["R_RATE_LIMIT_DROP", 3],
  syn_flood_drop: ["R_SYN_FLOOD_DROP", 4],
  ct_orig: ["R_CT_ORIG", 5],
  ct_reply: ["R_CT_REPLY", 6],
  lb_new: ["R_LB_NEW", 7],
  dnat_new: ["R_DNAT_NEW", 8],
  policy_allow: ["R_POLICY_ALLOW", 9],
  policy_deny: ["R_POLICY_DENY", 10],
  default_allow: ["R_DEFAULT_ALLOW", 11],
  default_deny: ["R_DEFAULT_DENY", 12],
  lb_no_backend_drop: ["R_LB_NO_BACKEND_DROP", 13],
  egress_new: ["R_EGRESS_NEW", 14],
  snat_new: ["R_SNAT_NEW", 15],
  snat_exhausted_drop: ["R_SNAT_EXHAUSTED_DROP", 16],
  steered: ["R_STEERED", 17],
  classified: ["R_CLASSIFIED", 18],
  tcp_no_state: ["R_TCP_NO_STATE", 19],
  nd_pass: ["R_ND_PASS", 20],
  unclassifiable_drop: ["R_UNCLASSIFIABLE_DROP", 21],
  bad_addr_drop: ["R_BAD_ADDR_DROP", 22],
  tcp_invalid_drop: ["R_TCP_INVALID_DROP", 23],
  tcp_rst_invalid_drop: ["R_TCP_RST_INVALID_DROP", 24],
  icmp_related: ["R_ICMP_RELATED", 25],
  frag_follow: ["R_FRAG_FOLLOW", 26],
  frag_no_first_drop: ["R_FRAG_NO_FIRST_DROP", 27],
  snat_no_state_drop: ["R_SNAT_NO_STATE_DROP", 28],
  ct_restart: ["R_CT_RESTART", 29],
  no_state_pass: ["R_NO_STATE_PASS", 30],
  max: ["R_MAX", 64],
});
export type Reason = Exclude<keyof typeof reason.values, "max">;
export const REASON_SLOTS = reason.values.max;
/** Reason names by value: REASONS[i] is the reason whose value is i. */
export const REASONS: readonly Reason[] = (
  Object.keys(reason.values) as (keyof typeof reason.values)[]
)
  .filter((r): r is Reason => r !== "max")
  .sort((a, b) => reason.values[a] - reason.values[b]);

/** Every table, by the name of the C enum it mirrors (checked against BTF). */
export const SHARED_ENUMS = {
  dp_layout: dpLayout,
  dp_limits: dpLimits,
  app_dir: appDir,
  policy_action: policyAction,
  ifc_flags: ifcFlags,
  policy_trie: policyTrie,
  svc_flags: svcFlags,
  backend_flags: backendFlags,
  steer_flags: steerFlags,
  steer_dscp: steerDscp,
  nat_kind: natKind,
  ct_state: ctState,
  ct_dir: ctDir,
  ct_flags: ctFlags,
  family,
  ct_timeout_sec: ctTimeoutSec,
  xdp_action: xdpAction,
  pn_tc_act: tcAct,
  pn_ipproto: ipProto,
  reason,
} as const satisfies Record<string, SharedEnum>;

export function ctTimeout(proto: number, state: number): bigint {
  if (state === CtState.closing) return CT_TIMEOUT.close;
  if (proto === Proto.tcp) return state === CtState.established ? CT_TIMEOUT.tcp : CT_TIMEOUT.syn;
  return state === CtState.established ? CT_TIMEOUT.est : CT_TIMEOUT.new;
}
