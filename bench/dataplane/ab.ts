// A/B of two builds of the pipeline (root): `npx tsx bench/dataplane/ab.ts --base
// <patronus.bpf.o> [--rounds N]`. Loads the given object and this tree's build into one
// helper (unpinned, configured alike: policy on, default allow, one deny rule, two app
// classes), primes one established flow in each, then times the same packets on both,
// interleaved (base, new / new, base alternately; 1,000,000 repeats per run, or 1,000
// calls with a new flow each), so drift and other load hit both. Prints per row the
// median ns/packet of each, the median of the paired differences and the ratio of the
// medians. Per-call rows (~1.3 µs, two LRU inserts) moved by up to ±190 ns between
// invocations on the 2-vCPU development VM: only larger differences show there.
// A build of main for --base: `git archive main bpf | tar -x -C /tmp/base && make -C
// /tmp/base/bpf`.
import { parseArgs } from "node:util";
import { LOADER, OBJ } from "../../bpf/tests/lib/harness";
import { ipv4, TCP } from "../../bpf/tests/lib/packet";
import { applyPolicy, setApps, setInterface } from "../../edge-agent/src/dataplane/config";
import { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import { LoaderClient } from "../../edge-agent/src/dataplane/loader-client";

const { values } = parseArgs({
  options: { base: { type: "string" }, rounds: { type: "string", default: "15" } },
});
if (!values.base) {
  console.error("usage: ab.ts --base <patronus.bpf.o> [--rounds N]");
  process.exit(2);
}
const ROUNDS = Number(values.rounds);
const REPEAT = 1_000_000;
const C = { src: "203.0.113.5", dst: "192.168.1.10", sport: 33000, dport: 443 };
const S = { src: C.dst, dst: C.src, sport: C.dport, dport: C.sport };
const ack = (o: typeof C, seq: number, ackNo: number) =>
  ipv4({ ...o, proto: "tcp", flags: TCP.ack, seq, ack: ackNo });

const ROWS: [row: string, prog: string, pkt: Buffer][] = [
  ["established flow (XDP)", "xdp_ingress", ack(C, 1001, 5001)],
  ["established flow (TC build)", "tc_wan_ingress", ack(C, 1001, 5001)],
  ["established flow (tc_egress)", "tc_egress", ack(S, 5001, 1001)],
  [
    "mid-stream TCP without state, classified (XDP)",
    "xdp_ingress",
    ack({ ...C, sport: 33001 }, 1, 1),
  ],
  [
    "policy deny by a rule (XDP)",
    "xdp_ingress",
    ipv4({ ...C, sport: 33002, dport: 444, proto: "tcp", flags: TCP.syn }),
  ],
];

async function prepare(loader: LoaderClient, name: string, path: string) {
  const dp = await Dataplane.load(loader, { name, path });
  await setInterface(dp, { ifindex: 0, slot: 0, policy: true, defaultAction: "allow" });
  await applyPolicy(dp, [
    { id: 1, src: "0.0.0.0/0", dst: "0.0.0.0/0", proto: 6, ports: [444, 444], action: "deny" },
  ]);
  await setApps(dp, [
    { appId: 5, ports: [{ proto: 6, port: 443 }] },
    { appId: 7, prefixes: ["192.0.2.0/24"] },
  ]);
  await dp.testRun("xdp_ingress", ipv4({ ...C, proto: "tcp", flags: TCP.syn, seq: 1000 }));
  const synAck = { proto: "tcp" as const, flags: TCP.syn | TCP.ack, seq: 5000, ack: 1001 };
  await dp.testRun("tc_egress", ipv4({ ...S, ...synAck }));
  await dp.testRun("xdp_ingress", ack(C, 1001, 5001));
  return dp;
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

/** New flows cannot repeat (the second run hits the state the first made): timed per
 * call, a fresh flow each (its own source port), the run's figure the median call. */
const CALLS = 1000;
let nextPort = 1024;
const PER_CALL: [row: string, prog: string, pkt: () => Buffer][] = [
  [
    "new flow, classified (XDP, per call)",
    "xdp_ingress",
    () => ipv4({ ...C, sport: nextPort++, proto: "tcp", flags: TCP.syn }),
  ],
  [
    "new flow, classified (tc_egress, per call)",
    "tc_egress",
    () => ipv4({ ...S, dport: 443, sport: nextPort++, proto: "tcp", flags: TCP.syn }),
  ],
];

async function main() {
  const loader = LoaderClient.start(LOADER);
  try {
    const dps = {
      base: await prepare(loader, "base", values.base!),
      new: await prepare(loader, "new", OBJ),
    };
    const runs = new Map(ROWS.map(([row]) => [row, { base: [] as number[], new: [] as number[] }]));
    for (const [row] of PER_CALL) runs.set(row, { base: [], new: [] });
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 ? (["new", "base"] as const) : (["base", "new"] as const);
      for (const [row, prog, pkt] of ROWS)
        for (const v of order)
          runs.get(row)![v].push((await dps[v].testRun(prog, pkt, REPEAT)).duration);
      for (const [row, prog, pkt] of PER_CALL)
        for (const v of order) {
          const calls: number[] = [];
          for (let i = 0; i < CALLS; i++) calls.push((await dps[v].testRun(prog, pkt())).duration);
          runs.get(row)![v].push(median(calls));
        }
    }
    console.log(
      `ns/packet, median of ${ROUNDS} interleaved runs: ${REPEAT} repeats, or the median of ${CALLS} calls (per call)`,
    );
    for (const [row, { base, new: now }] of runs) {
      const diff = median(now.map((n, i) => n - base[i]!));
      const ratio = (median(now) / median(base)).toFixed(3);
      console.log(
        `${row.padEnd(50)} base ${median(base)}  new ${median(now)}  paired diff ${diff}  ratio ${ratio}`,
      );
    }
  } finally {
    await loader.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
