// The pipeline's paths as declared rows, each on the site of site.ts.
import { TCP } from "../../bpf/tests/lib/packet";
import { setApps } from "../../edge-agent/src/dataplane/config";
import {
  CtDir,
  CtFlags,
  CtState,
  Nat,
  type Reason,
} from "../../edge-agent/src/dataplane/constants";
import type { Flow, PathRow } from "./path";
import { runRows } from "./path-run";
import type { RowGroup } from "./report";
import {
  client,
  ESTABLISHED,
  EXHAUSTED,
  fromBackend,
  fromServer,
  fromV6Server,
  INNER,
  LB_ENTRY,
  outbound,
  type Packet,
  RULE,
  replyTo,
  SERVER,
  site,
  synAck,
  tcp,
  toServer,
  toV6Server,
  toVip,
  WAN,
} from "./site";

/** SYN out (SNAT), the answer in (ESTABLISHED). */
const SNAT_PRIME: PathRow["prime"] = [
  { prog: "tc_egress", packet: (i) => outbound(i, TCP.syn) },
  { prog: "xdp_ingress", packet: (i, first) => replyTo(i, first?.nat_port, synAck) },
];

/** Established flow: SYN in, SYN-ACK out (ESTABLISHED), then the client's ACKs. */
const established = (
  name: string,
  prog: "xdp_ingress" | "tc_wan_ingress",
  there: Packet = toServer,
  back: Packet = fromServer,
): PathRow =>
  site({
    name,
    prog,
    timing: "repeat",
    prime: [
      { prog, packet: (i) => there(i, TCP.syn) },
      { prog: "tc_egress", packet: (i) => back(i, synAck) },
    ],
    packet: (i) => there(i, TCP.ack),
    expect: {
      verdict: prog === "xdp_ingress" ? "XDP_PASS" : "TC_ACT_OK",
      reasons: ["ct_orig"],
      state: { kind: "hit", entry: ESTABLISHED },
    },
    target: { maxRatio: 3, text: "<=3x" },
  });

/** A packet judged by policy on every repeat, creating nothing. */
const stateless = (
  name: string,
  packet: Flow,
  verdict: "XDP_PASS" | "XDP_DROP",
  reason: Reason,
  rule?: number,
): PathRow =>
  site({
    name,
    prog: "xdp_ingress",
    timing: "repeat",
    packet: () => packet,
    expect: { verdict, reasons: [reason], rule, state: { kind: "none" } },
  });

/** A bare program against a bare baseline: the noise floor of that timing. */
const bare = (
  name: string,
  prog: "xdp_bare" | "tc_bare",
  timing: PathRow["timing"],
  note: string,
): PathRow => ({
  name,
  prog,
  timing,
  baseline: "xdp_bare",
  note,
  packet: (i) => toServer(i, TCP.ack),
  expect: {
    verdict: prog === "xdp_bare" ? "XDP_PASS" : "TC_ACT_OK",
    reasons: [],
    state: { kind: "none" },
  },
});

export const PIPELINE_ROWS: PathRow[] = [
  bare("bare XDP_PASS", "xdp_bare", "repeat", "noise floor: bare against bare"),
  bare("bare XDP_PASS, per call", "xdp_bare", "per-call", "noise floor of per-call timing"),
  bare("bare TC_ACT_OK", "tc_bare", "repeat", "the skb test harness against the XDP one"),
  established("established flow via conntrack (XDP)", "xdp_ingress"),
  established("established flow via conntrack (TC build)", "tc_wan_ingress"),
  established("IPv6 established flow (XDP)", "xdp_ingress", toV6Server, fromV6Server),
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
  stateless(
    "mid-stream TCP without state, policy allow",
    toServer(0, TCP.ack),
    "XDP_PASS",
    "tcp_no_state",
    RULE.branch,
  ),
  stateless(
    "policy deny by a rule",
    tcp({ src: "10.66.0.5", sport: 40000, dst: SERVER, dport: 22, flags: TCP.syn }),
    "XDP_DROP",
    "policy_deny",
    RULE.denySsh,
  ),
  stateless(
    "policy deny by default",
    tcp({ src: "192.0.2.5", sport: 40000, dst: SERVER, dport: 443, flags: TCP.syn }),
    "XDP_DROP",
    "default_deny",
  ),
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
      state: {
        kind: "create",
        entry: { nat: Nat.dst, nat_addr: INNER, nat_port: 443, flags: CtFlags.seq },
      },
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
    prime: SNAT_PRIME,
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
    prime: SNAT_PRIME,
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
  run: (ctx) => runRows(ctx, "paths", PIPELINE_ROWS),
};
