// Policy at scale: `sudo npx tsx bench/dataplane/policy-scale.ts` (standalone; prints
// figures, asserts nothing). ns/packet through BPF_PROG_TEST_RUN for 64, 1,024 and 4,096
// rules beside a bare XDP_PASS timed in the same run (median of 5 × 1,000,000 repeats),
// then the time to replace a 4,096-rule set (compile in TS, stage, flip).
// `--rate-limit` also turns the per-source rate limit and the SYN guard on.
import { setupEnv } from "../../bpf/tests/lib/harness";
import { ipv4, ipv6, TCP } from "../../bpf/tests/lib/packet";
import {
  emptyAnds,
  firstMatch,
  lastCandidate,
  type Probe,
  probeFor,
  realistic,
} from "../../bpf/tests/lib/rule-sets";
import { applyPolicy } from "../../edge-agent/src/dataplane/config";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import { compilePolicy, type PolicyRule } from "../../edge-agent/src/dataplane/policy";
import { median, table } from "./stats";

const REPEAT = 1_000_000;
const RUNS = 5;
const SIZES = [64, 1024, 4096];
const rateLimit = process.argv.includes("--rate-limit");

// Mid-stream TCP ACKs, so policy runs on every repeat (an allowed UDP packet would
// create state on its first run and be timed as an established flow afterwards; UDP
// probes are only used where the default action drops them).
const packet = (p: Probe) =>
  (p.src.includes(":") ? ipv6 : ipv4)({
    src: p.src,
    dst: p.dst,
    proto: p.proto === 17 ? "udp" : "tcp",
    sport: 40000,
    dport: p.dport,
    flags: TCP.ack,
  });

async function nsPerPacket(dp: Dataplane, prog: string, pkt: Buffer): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) runs.push((await dp.testRun(prog, pkt, REPEAT)).duration);
  return median(runs);
}

/** A realistic set's probe of one family: aimed at the rule nearest three quarters down
 * that a TCP packet reaches first (judged by a rule deep in the set). */
const deepProbe = (v6: boolean) => (rules: PolicyRule[]) => {
  const from = Math.floor(rules.length * 0.75);
  const order = rules.map((_, i) => (from + i) % rules.length);
  for (const k of order) {
    const p = { ...probeFor(rules, k), proto: 6 };
    if (p.src.includes(":") === v6 && rules[k]!.proto !== 17 && firstMatch(rules, p) === rules[k])
      return p;
  }
  throw new Error("no probe found");
};

/** Outside the realistic sets' space: only one-sided 0.0.0.0/0 rules cover it, so no
 * rule matches and the default action decides. */
const unmatched = (): Probe => ({ src: "192.0.2.1", dst: "198.51.100.1", proto: 17, dport: 9 });

const CASES: {
  name: string;
  rules: (n: number) => PolicyRule[];
  probe: (r: PolicyRule[]) => Probe;
}[] = [
  {
    name: "worst: match is the last candidate",
    rules: lastCandidate,
    probe: () => ({ src: "10.1.0.1", dst: "10.2.0.1", proto: 6, dport: 443 }),
  },
  { name: "realistic IPv4, match 3/4 down", rules: realistic, probe: deepProbe(false) },
  { name: "realistic IPv6, match 3/4 down", rules: realistic, probe: deepProbe(true) },
  { name: "realistic, no rule matches", rules: realistic, probe: unmatched },
  {
    name: "adversarial: 64 empty word ANDs",
    rules: emptyAnds,
    probe: () => ({ src: "10.1.1.1", dst: "10.2.2.2", proto: 6, dport: 80 }),
  },
];

const env = await setupEnv();
try {
  const bare = await env.bare();
  const dp = await env.fresh({
    policy: true,
    defaultAction: "deny",
    ...(rateLimit
      ? { rateLimit: { pps: 1e9, burst: 1e6 }, synGuard: { pps: 1e9, burst: 1e6 } }
      : {}),
  });
  const barePkt = ipv4({ src: "10.1.0.1", dst: "10.2.0.1", proto: "tcp", flags: TCP.ack });
  const rows: (string | number)[][] = [
    ["case", "rules", "judged by", "verdict", "ns/pkt", "bare", "ratio"],
  ];
  for (const c of CASES)
    for (const n of SIZES) {
      const rules = c.rules(n);
      const probe = c.probe(rules);
      const pkt = packet(probe);
      await applyPolicy(dp, rules);
      const verdict = (await dp.testRun("xdp_ingress", pkt)).retval === 2 ? "pass" : "drop";
      const bareNs = await nsPerPacket(bare, "xdp_bare", barePkt);
      const ns = await nsPerPacket(dp, "xdp_ingress", pkt);
      const rule = firstMatch(rules, probe);
      const by = rule ? `${rule.action} #${rules.indexOf(rule) + 1}` : "default";
      rows.push([c.name, n, by, verdict, ns, bareNs, ns / bareNs]);
    }
  console.log(
    `\nPolicy evaluation, BPF_PROG_TEST_RUN ns/packet (median of ${RUNS} x ${REPEAT.toLocaleString("en")} repeats)${rateLimit ? ", rate limit + SYN guard on" : ""}\n`,
  );
  console.log(table(rows));

  // Replacing one rule set by another, alternating, as an agent would.
  const change = async (n: number) => {
    const sets = [realistic(n, 1), realistic(n, 2, 5001)];
    const compileMs: number[] = [];
    const applyMs: number[] = [];
    for (let i = 0; i < 6; i++) {
      const rules = sets[i % 2]!;
      let t = performance.now();
      compilePolicy(rules);
      compileMs.push(performance.now() - t);
      t = performance.now();
      await applyPolicy(dp, rules);
      applyMs.push(performance.now() - t);
    }
    return [median(compileMs), median(applyMs), Math.max(...applyMs)];
  };
  const big = compilePolicy(realistic(4096, 1));
  console.log(
    `\nPolicy change: compile in TS; apply = compile, stage the inactive bank, flip (median of 6;\n4,096 realistic rules = ${big.nodes.length} trie nodes, ${big.masks.length} distinct bitmaps)\n`,
  );
  const changes: (string | number)[][] = [["rules", "compile ms", "apply ms", "max apply ms"]];
  for (const n of [20, 1024, 4096]) changes.push([n, ...(await change(n))]);
  console.log(table(changes));
} finally {
  await env.close();
}
