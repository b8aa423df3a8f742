// A benchmark row as data: program, set-up, packet and the path that packet must
// take (verdict, reason counters, policy rule, conntrack state, output bytes, mark).
// The runner (path-run.ts) checks that path before timing and again after, so no
// row can time packets that went somewhere else than its name says.
import { isIPv6 } from "node:net";
import { ipv4, ipv6, type Parsed } from "../../bpf/tests/lib/packet";
import type { InterfaceConfig } from "../../edge-agent/src/dataplane/config";
import { type Reason, Tc, Xdp } from "../../edge-agent/src/dataplane/constants";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import type { CtEntry, FlowKey } from "../../edge-agent/src/dataplane/flows";

export type Prog =
  | "xdp_ingress"
  | "tc_wan_ingress"
  | "tc_egress"
  | "tc_ingress"
  | "xdp_bare"
  | "tc_bare";
export const isTc = (p: Prog) => p.startsWith("tc_");
export const isBare = (p: Prog) => p.endsWith("_bare");

/** One packet of a flow; IPv6 when the addresses are. */
export interface Flow {
  src: string;
  dst: string;
  proto: "tcp" | "udp";
  sport: number;
  dport: number;
  flags?: number;
  tos?: number;
}

export const frameOf = (f: Flow): Buffer => (isIPv6(f.src) ? ipv6(f) : ipv4(f));
export const keyOf = (f: Flow): FlowKey => ({
  saddr: f.src,
  daddr: f.dst,
  sport: f.sport,
  dport: f.dport,
  proto: f.proto === "tcp" ? 6 : 17,
});
export const showKey = (k: FlowKey) => `${k.saddr}:${k.sport} -> ${k.daddr}:${k.dport}/${k.proto}`;

export const VERDICTS = {
  XDP_PASS: Xdp.pass,
  XDP_DROP: Xdp.drop,
  TC_ACT_OK: Tc.ok,
  TC_ACT_SHOT: Tc.shot,
} as const;
export type Verdict = keyof typeof VERDICTS;

export function verdictName(prog: Prog, retval: number): string {
  const names = Object.entries(VERDICTS).filter(([n]) => n.startsWith(isTc(prog) ? "TC" : "XDP"));
  return names.find(([, v]) => v === retval)?.[0] ?? `retval ${retval}`;
}

/** Field values an entry must have; an array means "one of". */
export type EntryMatch = { [K in keyof CtEntry]?: CtEntry[K] | readonly CtEntry[K][] };

export type StateExpect =
  /** No conntrack entry under the packet's key and none created anywhere. */
  | { kind: "none" }
  /** An entry exists under the packet's key before; its packet count moves by exactly
   * the packets sent and nothing is created. */
  | { kind: "hit"; entry?: EntryMatch }
  /** No entry before; after, one under the packet's key matching `entry` plus its
   * reply half: two entries per packet, nothing else. */
  | { kind: "create"; entry?: EntryMatch };

export interface Expect {
  verdict: Verdict;
  /** Each moves by exactly the packets sent; every other reason of the slot stays. */
  reasons: Reason[];
  /** Policy rule id whose counter moves by exactly the packets sent (others stay). */
  rule?: number;
  state: StateExpect;
  /** Passed frames: unchanged unless given; else these fields of the independent
   * parser's view (checksums always verified), from the entry under the packet's key. */
  output?: (e: CtEntry | undefined) => Partial<Parsed>;
  /** TC programs: skb->mark after the run (default 0). */
  mark?: number;
}

export interface PathRow {
  name: string;
  prog: Prog;
  /** repeat: the same buffer `repeat` times, for paths that stay the same on repeat.
   * per-call: one call per packet, for paths that create state or rewrite. */
  timing: "repeat" | "per-call";
  /** The ratio's denominator (default: xdp_bare or tc_bare, by program type). */
  baseline?: Prog;
  note?: string;
  /** Interface config of slot `iface.slot` (default 0, the fallback entry). */
  iface?: Partial<InterfaceConfig>;
  /** Maps through the real config helpers (policy, services, SNAT, apps...). */
  setup?: (dp: Dataplane) => Promise<void>;
  /** "fresh": every packet is a new flow (state-creating rows). A number: that many
   * flows, primed first and reused round robin (default 1). */
  flows?: "fresh" | number;
  /** Packets sent once per flow before anything is checked (e.g. SYN, SYN-ACK); later
   * ones see the entry the first one made (e.g. the backend or SNAT port it chose). */
  prime?: { prog: Prog; packet: (flow: number, first?: CtEntry) => Flow }[];
  /** The measured packet of flow `i`; `primed`: the first prime packet's entry, primed. */
  packet: (i: number, primed?: CtEntry) => Flow;
  expect: Expect;
  target?: { maxRatio: number; text: string };
}

/** Human summary of what the runner verifies, for the JSON report. */
export function describeExpect(row: PathRow): string[] {
  const e = row.expect;
  const out = [`verdict ${e.verdict}`];
  if (isBare(row.prog)) return [...out, "output unchanged"];
  out.push(`reason counters: ${e.reasons.join(", ") || "none"} +packets sent, others unchanged`);
  out.push(e.rule === undefined ? "no policy rule counter moves" : `rule ${e.rule} +packets sent`);
  const st = e.state;
  const fields = "entry" in st && st.entry ? ` ${JSON.stringify(st.entry, jsonSafe)}` : "";
  out.push(
    st.kind === "none"
      ? "conntrack: nothing created"
      : st.kind === "hit"
        ? `conntrack: existing entry hit (packets +sent)${fields}`
        : `conntrack: entry + reply half created per packet${fields}`,
  );
  out.push(e.output ? "output rewritten as declared, checksums valid" : "output unchanged");
  if (isTc(row.prog)) out.push(`skb mark ${e.mark ?? 0}`);
  return out;
}

/** Long "one of" lists are summarised; bigints printed as numbers. */
export function jsonSafe(_k: string, v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v) && v.length > 8) return `one of ${v.length} values`;
  return v;
}
