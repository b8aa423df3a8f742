// Data-plane benchmark: `npx tsx bench/dataplane/run.ts` (root). Prints figures;
// targets are in docs/dataplane.md, nothing here asserts on time.
import { setupEnv } from "../../bpf/tests/lib/harness";
import { benchConntrackGc, printConntrackGc } from "./conntrack-gc";
import { benchIperf } from "./iperf";
import { benchMaps } from "./maps";
import { benchPipeline } from "./pipeline";
import { table } from "./stats";

const env = await setupEnv();
try {
  const paths = await benchPipeline(env);
  console.log(
    "\nBPF_PROG_TEST_RUN, ns/packet (median of 5 runs x 1,000,000 repeats; per-call: median of 3000 calls)\n",
  );
  console.log(
    table([
      ["path", "mode", "ns/pkt", "bare ns/pkt", "ratio", "net ns"],
      ...paths.map((p) => [p.path, p.mode, p.ns, p.bare, p.ns / p.bare, p.ns - p.bare]),
    ]),
  );

  const m = await benchMaps(env);
  console.log("\nControl plane through the loader\n");
  console.log(
    table([
      ["measure", "value"],
      ["update_batch (conntrack, 50k entries)", `${Math.round(m.batchRate)} entries/s`],
      ["pipelined single updates", `${Math.round(m.pipeRate)} entries/s`],
      ["one update round trip (median)", `${m.singleUs.toFixed(1)} us`],
      ["policy change, 20 rules, TS -> kernel (median)", `${m.policyMs.toFixed(2)} ms`],
    ]),
  );

  if (process.argv.includes("--gc")) printConntrackGc(await benchConntrackGc(env), 5);
  if (!process.argv.includes("--no-iperf")) await iperf();
} finally {
  await env.close();
}

async function iperf() {
  const ip = await benchIperf(env);
  console.log("\niperf3 TCP between namespaces via a router namespace (median of 3 x 3 s)\n");
  console.log(
    table([
      ["setup", "Gbit/s", "ratio"],
      ["no programs", ip.none, 1],
      ["XDP native (veth) + TC", ip.native, ip.native / ip.none],
      ["XDP generic + TC", ip.generic, ip.generic / ip.none],
      ["TC pipeline (tc_wan_ingress) + TC", ip.tc, ip.tc / ip.none],
    ]),
  );
}
