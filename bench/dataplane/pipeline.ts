// The pipeline's paths as declared rows. Every row runs on a freshly reset data plane
// configured like a site: policy default-deny with an allow rule per service, rate
// limit and SYN guard on (limits never reached unless the row is about them), SNAT,
// a Maglev service and a port forward, all through edge-agent's config helpers.
import { TCP } from "../../bpf/tests/lib/packet";
import {
  applyPolicy,
  type InterfaceConfig,
  setApps,
  setPortForward,
  setService,
  setSnat,
} from "../../edge-agent/src/dataplane/config";
import { CtDir, CtFlags, CtState, Nat } from "../../edge-agent/src/dataplane/constants";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import type { CtEntry } from "../../edge-agent/src/dataplane/flows";
import type { PolicyRule } from "../../edge-agent/src/dataplane/policy";
import type { Flow, PathRow } from "./path";
import { runPathRow } from "./path-run";
import type { RowGroup } from "./report";

export const WAN = "198.51.100.1"; // the site's public address: VIP, port forward, SNAT
const SERVER = "10.2.0.1"; // a LAN server branch offices reach over the WAN
const BACKENDS = [1, 2, 3, 4].map((id) => ({ id, addr: `10.9.1.${id}`, port: 8080 }));
const INNER = "192.168.10.20"; // port-forward target
const RULE = { denySsh: 1, branch: 40, lb: 41, forward: 42, v6: 43 };

/** Distinct client i: address from 100.64.0.0/10 and port, so new flows never repeat. */
export const client = (i: number) => ({
  src: `100.${64 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`,
  sport: 1024 + (i % 60000),
});
const branch = (i: number) => ({
  src: `10.1.${(i >> 8) & 255}.${i & 255}`,
  sport: 20000 + (i % 40000),
});

export const SITE_IFACE: Partial<InterfaceConfig> = {
  slot: 0,
  policy: true,
  defaultAction: "deny",
  snat: true,
  rateLimit: { pps: 1e9, burst: 1e6 },
  synGuard: { pps: 1e9, burst: 1e6 },
};
/** Practically never refills: after one primed packet every packet is over the limit. */
const EXHAUSTED = { pps: 0.001, burst: 1 };

const SITE_RULES: PolicyRule[] = [
  {
    id: RULE.denySsh,
    src: "10.66.0.0/16",
    dst: "0.0.0.0/0",
    proto: 6,
    ports: [22, 22],
    action: "deny",
  },
  // Other sites' rules: in the tries, never candidates for these packets.
  ...Array.from(
    { length: 36 },
    (_, i): PolicyRule => ({
      id: 2 + i,
      src: `172.${16 + (i % 16)}.${i}.0/24`,
      dst: "10.0.0.0/8",
      proto: 6,
      ports: [1000 + i, 1000 + i],
      action: "allow",
    }),
  ),
  {
    id: RULE.branch,
    src: "10.0.0.0/8",
    dst: "10.0.0.0/8",
    proto: 6,
    ports: [80, 443],
    action: "allow",
  },
  // Policy sees the post-DNAT tuple: the backends and the forwarded inner host.
  {
    id: RULE.lb,
    src: "0.0.0.0/0",
    dst: "10.9.1.0/24",
    proto: 6,
    ports: [8080, 8080],
    action: "allow",
  },
  {
    id: RULE.forward,
    src: "0.0.0.0/0",
    dst: `${INNER}/32`,
    proto: 6,
    ports: [443, 443],
    action: "allow",
  },
  {
    id: RULE.v6,
    src: "fd00:1::/64",
    dst: "fd00:2::/64",
    proto: 6,
    ports: [443, 443],
    action: "allow",
  },
];

export async function siteSetup(dp: Dataplane): Promise<void> {
  await applyPolicy(dp, SITE_RULES);
  await setService(dp, { ring: 0, vip: WAN, port: 80, proto: 6, backends: BACKENDS });
  await setPortForward(dp, {
    vip: WAN,
    port: 8443,
    proto: 6,
    backendId: 9,
    to: INNER,
    toPort: 443,
  });
  await setSnat(dp, { from: "10.0.0.0/8", to: WAN, ports: [1024, 65535] });
}

/** A row on the site's config; the row's own `setup` runs after the site's. */
const site = (row: PathRow, iface: Partial<InterfaceConfig> = {}): PathRow => ({
  ...row,
  iface: { ...SITE_IFACE, ...iface },
  setup: async (dp) => {
    await siteSetup(dp);
    await row.setup?.(dp);
  },
});

const tcp = (f: Omit<Flow, "proto">): Flow => ({ proto: "tcp", ...f });
/** Branch office i -> the LAN server, and the server's answers. */
const toServer = (i: number, flags: number) =>
  tcp({ ...branch(i), dst: SERVER, dport: 443, flags });
const fromServer = (i: number, flags: number) =>
  tcp({ src: SERVER, sport: 443, dst: branch(i).src, dport: branch(i).sport, flags });
const synAck = TCP.syn | TCP.ack;
/** A LAN host i -> an internet host of its own (so SNAT's first probed port is free). */
const outbound = (i: number, flags: number) =>
  tcp({
    src: `10.6.${(i >> 8) & 255}.${i & 255}`,
    sport: 30000 + (i % 30000),
    dst: `198.18.${(i >> 8) & 255}.${i & 255}`,
    dport: 443,
    flags,
  });

/** The internet host's answer to outbound flow i, to the SNAT port it was given. */
const replyTo = (i: number, natPort: number | undefined, flags: number) =>
  tcp({ src: outbound(i, 0).dst, sport: 443, dst: WAN, dport: natPort ?? 0, flags });

const ESTABLISHED = { state: CtState.established, dir: CtDir.orig, nat: Nat.none };
const LB_ENTRY = {
  nat: Nat.dst,
  nat_addr: BACKENDS.map((b) => b.addr),
  nat_port: 8080,
  backend_id: BACKENDS.map((b) => b.id),
  flags: CtFlags.lb,
};
const toVip = (i: number, flags: number) => tcp({ ...client(i), dst: WAN, dport: 80, flags });
const fromBackend = (i: number, e?: CtEntry) =>
  tcp({
    src: e?.nat_addr ?? "0.0.0.0",
    sport: 8080,
    dst: client(i).src,
    dport: client(i).sport,
    flags: synAck,
  });

/** Established flow rows of both builds: SYN in, SYN-ACK out, then the client's ACKs. */
const established = (prog: "xdp_ingress" | "tc_wan_ingress", name: string): PathRow =>
  site({
    name,
    prog,
    timing: "repeat",
    prime: [
      { prog, packet: (i) => toServer(i, TCP.syn) },
      { prog: "tc_egress", packet: (i) => fromServer(i, synAck) },
    ],
    packet: (i) => toServer(i, TCP.ack),
    expect: {
      verdict: prog === "xdp_ingress" ? "XDP_PASS" : "TC_ACT_OK",
      reasons: ["ct_orig"],
      state: { kind: "hit", entry: ESTABLISHED },
    },
    target: { maxRatio: 3, text: "<=3x" },
  });

export const PIPELINE_ROWS: PathRow[] = [
  {
    name: "bare XDP_PASS",
    prog: "xdp_bare",
    timing: "repeat",
    note: "noise floor: bare against bare",
    packet: (i) => toServer(i, TCP.ack),
    expect: { verdict: "XDP_PASS", reasons: [], state: { kind: "none" } },
  },
  {
    name: "bare XDP_PASS, per call",
    prog: "xdp_bare",
    timing: "per-call",
    note: "noise floor of per-call timing",
    packet: (i) => toServer(i, TCP.ack),
    expect: { verdict: "XDP_PASS", reasons: [], state: { kind: "none" } },
  },
  {
    name: "bare TC_ACT_OK",
    prog: "tc_bare",
    timing: "repeat",
    baseline: "xdp_bare",
    note: "the skb test harness against the XDP one",
    packet: (i) => toServer(i, TCP.ack),
    expect: { verdict: "TC_ACT_OK", reasons: [], state: { kind: "none" } },
  },
  established("xdp_ingress", "established flow via conntrack (XDP)"),
  established("tc_wan_ingress", "established flow via conntrack (TC build)"),
  site({
    name: "IPv6 established flow (XDP)",
    prog: "xdp_ingress",
    timing: "repeat",
    prime: [
      {
        prog: "xdp_ingress",
        packet: () =>
          tcp({ src: "fd00:1::10", sport: 40000, dst: "fd00:2::20", dport: 443, flags: TCP.syn }),
      },
      {
        prog: "tc_egress",
        packet: () =>
          tcp({ src: "fd00:2::20", sport: 443, dst: "fd00:1::10", dport: 40000, flags: synAck }),
      },
    ],
    packet: () =>
      tcp({ src: "fd00:1::10", sport: 40000, dst: "fd00:2::20", dport: 443, flags: TCP.ack }),
    expect: {
      verdict: "XDP_PASS",
      reasons: ["ct_orig"],
      state: { kind: "hit", entry: ESTABLISHED },
    },
    target: { maxRatio: 3, text: "<=3x" },
  }),
  site({
    name: "new flow allowed by policy",
    prog: "xdp_ingress",
    timing: "per-call",
    flows: "fresh",
    packet: (i) => toServer(i, TCP.syn),
    expect: {
      verdict: "XDP_PASS",
      reasons: ["policy_allow"],
      rule: RULE.branch,
      state: {
        kind: "create",
        entry: { nat: Nat.none, state: CtState.synSent, rule_id: RULE.branch },
      },
    },
  }),
  site({
    name: "mid-stream TCP without state, policy allow",
    prog: "xdp_ingress",
    timing: "repeat",
    packet: (i) => toServer(i, TCP.ack),
    expect: {
      verdict: "XDP_PASS",
      reasons: ["tcp_no_state"],
      rule: RULE.branch,
      state: { kind: "none" },
    },
  }),
  site({
    name: "policy deny by a rule",
    prog: "xdp_ingress",
    timing: "repeat",
    packet: () => tcp({ src: "10.66.0.5", sport: 40000, dst: SERVER, dport: 22, flags: TCP.syn }),
    expect: {
      verdict: "XDP_DROP",
      reasons: ["policy_deny"],
      rule: RULE.denySsh,
      state: { kind: "none" },
    },
  }),
  site({
    name: "policy deny by default",
    prog: "xdp_ingress",
    timing: "repeat",
    packet: () => tcp({ src: "192.0.2.5", sport: 40000, dst: SERVER, dport: 443, flags: TCP.syn }),
    expect: { verdict: "XDP_DROP", reasons: ["default_deny"], state: { kind: "none" } },
  }),
  site(
    {
      name: "rate-limited drop",
      prog: "xdp_ingress",
      timing: "repeat",
      prime: [{ prog: "xdp_ingress", packet: (i) => toServer(i, TCP.ack) }],
      packet: (i) => toServer(i, TCP.ack),
      expect: { verdict: "XDP_DROP", reasons: ["rate_limit_drop"], state: { kind: "none" } },
    },
    { rateLimit: EXHAUSTED },
  ),
  site(
    {
      name: "SYN-guard drop",
      prog: "xdp_ingress",
      timing: "repeat",
      prime: [{ prog: "xdp_ingress", packet: (i) => toServer(i + 1000, TCP.syn) }],
      packet: (i) => toServer(i, TCP.syn),
      expect: { verdict: "XDP_DROP", reasons: ["syn_flood_drop"], state: { kind: "none" } },
    },
    { synGuard: EXHAUSTED },
  ),
  site({
    name: "LB new flow (Maglev, DNAT, state)",
    prog: "xdp_ingress",
    timing: "per-call",
    flows: "fresh",
    packet: (i) => toVip(i, TCP.syn),
    expect: {
      verdict: "XDP_PASS",
      reasons: ["lb_new"],
      rule: RULE.lb,
      state: { kind: "create", entry: LB_ENTRY },
      output: (e) => ({ dst: e?.nat_addr, dport: 8080 }),
    },
  }),
  site({
    name: "LB established (conntrack, DNAT)",
    prog: "xdp_ingress",
    timing: "per-call",
    flows: 64,
    prime: [
      { prog: "xdp_ingress", packet: (i) => toVip(i, TCP.syn) },
      // The backend's answer leaves through egress, reverse-translated: ESTABLISHED.
      { prog: "tc_egress", packet: (i, first) => fromBackend(i, first) },
    ],
    packet: (i) => toVip(i, TCP.ack),
    expect: {
      verdict: "XDP_PASS",
      reasons: ["ct_orig"],
      state: { kind: "hit", entry: { ...LB_ENTRY, state: CtState.established } },
      output: (e) => ({ dst: e?.nat_addr, dport: 8080 }),
    },
  }),
  site({
    name: "port-forward new flow (DNAT, state)",
    prog: "xdp_ingress",
    timing: "per-call",
    flows: "fresh",
    packet: (i) => tcp({ ...client(i), dst: WAN, dport: 8443, flags: TCP.syn }),
    expect: {
      verdict: "XDP_PASS",
      reasons: ["dnat_new"],
      rule: RULE.forward,
      state: { kind: "create", entry: { nat: Nat.dst, nat_addr: INNER, nat_port: 443, flags: 0 } },
      output: () => ({ dst: INNER, dport: 443 }),
    },
  }),
  site({
    name: "SNAT new flow (tc_egress)",
    prog: "tc_egress",
    timing: "per-call",
    flows: "fresh",
    packet: (i) => outbound(i, TCP.syn),
    expect: {
      verdict: "TC_ACT_OK",
      reasons: ["snat_new"],
      state: { kind: "create", entry: { nat: Nat.src, nat_addr: WAN } },
      output: (e) => ({ src: WAN, sport: e?.nat_port }),
    },
  }),
  site({
    name: "SNAT established (tc_egress)",
    prog: "tc_egress",
    timing: "per-call",
    flows: 64,
    prime: [
      { prog: "tc_egress", packet: (i) => outbound(i, TCP.syn) },
      { prog: "xdp_ingress", packet: (i, first) => replyTo(i, first?.nat_port, synAck) },
    ],
    packet: (i) => outbound(i, TCP.ack),
    expect: {
      verdict: "TC_ACT_OK",
      reasons: ["ct_orig"],
      state: { kind: "hit", entry: { nat: Nat.src, nat_addr: WAN, state: CtState.established } },
      output: (e) => ({ src: WAN, sport: e?.nat_port }),
    },
  }),
  site({
    name: "reply through reverse SNAT (xdp_ingress)",
    prog: "xdp_ingress",
    timing: "per-call",
    flows: 64,
    prime: [
      { prog: "tc_egress", packet: (i) => outbound(i, TCP.syn) },
      { prog: "xdp_ingress", packet: (i, first) => replyTo(i, first?.nat_port, synAck) },
    ],
    packet: (i, primed) => replyTo(i, primed?.nat_port, TCP.ack),
    expect: {
      verdict: "XDP_PASS",
      reasons: ["ct_reply"],
      state: { kind: "hit", entry: { nat: Nat.dst, dir: CtDir.reply, state: CtState.established } },
      // Back to the LAN host's own address and port.
      output: (e) => ({ dst: e?.nat_addr, dport: e?.nat_port }),
    },
  }),
  site({
    name: "steering on tc_ingress (mark, DSCP)",
    prog: "tc_ingress",
    timing: "repeat",
    note: "DSCP rewrite writes the same value on every repeat: same work each run",
    setup: (dp) =>
      setApps(dp, [
        { appId: 1, ports: [{ proto: 17, port: 5060 }], steer: { mark: 0x101, dscp: 46 } },
      ]),
    packet: () => ({
      proto: "udp",
      src: "192.168.10.30",
      sport: 40000,
      dst: "203.0.113.60",
      dport: 5060,
      tos: 0,
    }),
    expect: {
      verdict: "TC_ACT_OK",
      reasons: ["steered"],
      state: { kind: "none" },
      mark: 0x101,
      output: () => ({ tos: 46 << 2 }),
    },
  }),
];

export const pipelineGroup: RowGroup = {
  name: "paths",
  title: "Pipeline paths, BPF_PROG_TEST_RUN ns/packet",
  async run(ctx) {
    const rows = PIPELINE_ROWS.filter((r) => ctx.selected("paths", r.name));
    const out = [];
    for (const r of rows) {
      ctx.log(r.name);
      out.push(await runPathRow(ctx, "paths", r));
    }
    return out;
  },
};
