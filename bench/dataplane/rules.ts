// Policy cost by rule count. Every rule is a candidate for the measured packet (its
// source and destination prefixes cover it), so these are worst cases: a new flow
// whose match is the last candidate, and a miss that evaluates all of them and ends
// in default deny. Counts above MAX_RULES are skipped with the reason printed, so the
// rows light up when the limit grows.
import { TCP } from "../../bpf/tests/lib/packet";
import { applyPolicy } from "../../edge-agent/src/dataplane/config";
import { CtState, MAX_RULES, Nat } from "../../edge-agent/src/dataplane/constants";
import type { PolicyRule } from "../../edge-agent/src/dataplane/policy";
import type { Flow, PathRow } from "./path";
import { runRows } from "./path-run";
import type { BenchRow, RowGroup } from "./report";
import { SITE_IFACE } from "./site";

export const RULE_COUNTS = [64, 1024, 4096];
const MATCH_PORT = 443;
const MISS_PORT = 444;

/** n rules, all candidates for 10.1.x.y -> 10.2.0.1: the first n-1 never match (other
 * ports, through nested prefixes of both sides), the last allows port 443. */
export function candidateRules(n: number): PolicyRule[] {
  const lens = [8, 12, 16, 20, 24];
  const filler = Array.from(
    { length: n - 1 },
    (_, i): PolicyRule => ({
      id: i + 1,
      src: `10.1.0.0/${lens[i % lens.length]}`,
      dst: `10.2.0.0/${lens[(i >> 2) % lens.length]}`,
      proto: 6,
      ports: [1000 + (i % 60000), 1000 + (i % 60000)],
      action: i % 2 ? "allow" : "deny",
    }),
  );
  const last: PolicyRule = {
    id: n,
    src: "10.1.0.0/16",
    dst: "10.2.0.0/16",
    proto: 6,
    ports: [MATCH_PORT, MATCH_PORT],
    action: "allow",
  };
  return [...filler, last];
}

const flow = (i: number, dport: number): Flow => ({
  proto: "tcp",
  src: `10.1.${(i >> 8) & 255}.${i & 255}`,
  sport: 20000 + (i % 40000),
  dst: "10.2.0.1",
  dport,
  flags: TCP.syn,
});

export function ruleRows(n: number): PathRow[] {
  const base = {
    prog: "xdp_ingress" as const,
    iface: SITE_IFACE,
    setup: async (dp: Parameters<NonNullable<PathRow["setup"]>>[0]) =>
      applyPolicy(dp, candidateRules(n)),
  };
  return [
    {
      ...base,
      name: `new flow, ${n} rules, match = last candidate`,
      timing: "per-call",
      flows: "fresh",
      packet: (i) => flow(i, MATCH_PORT),
      expect: {
        verdict: "XDP_PASS",
        reasons: ["policy_allow"],
        rule: n,
        state: { kind: "create", entry: { nat: Nat.none, state: CtState.synSent, rule_id: n } },
      },
      target: n === 4096 ? { maxRatio: 8, text: "<=8x" } : undefined,
    },
    {
      ...base,
      name: `default deny after ${n} candidates`,
      timing: "repeat",
      packet: (i) => flow(i, MISS_PORT),
      expect: { verdict: "XDP_DROP", reasons: ["default_deny"], state: { kind: "none" } },
    },
  ];
}

/** Rows above MAX_RULES cannot be loaded today: printed as skipped, with the reason. */
function skipped(n: number, row: PathRow): BenchRow {
  const target = row.target ? `; target ${row.target.text} bare` : "";
  return {
    group: "rules",
    name: row.name,
    status: "skipped",
    unit: "ns/pkt",
    checks: [],
    failures: [],
    note: `${n} rules > MAX_RULES = ${MAX_RULES} (edge-agent/src/dataplane/constants.ts)${target}`,
  };
}

export const rulesGroup: RowGroup = {
  name: "rules",
  title: `Policy by rule count (MAX_RULES = ${MAX_RULES})`,
  async run(ctx) {
    const out: BenchRow[] = [];
    for (const n of RULE_COUNTS) {
      const rows = ruleRows(n);
      if (n <= MAX_RULES) out.push(...(await runRows(ctx, "rules", rows)));
      else out.push(...rows.filter((r) => ctx.selected("rules", r.name)).map((r) => skipped(n, r)));
    }
    return out;
  },
};
