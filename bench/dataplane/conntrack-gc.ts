// Conntrack cleanup at a full table: the loader's `expire` (walks the map in the
// helper, one bounded batch at a time) beside the old way (dump the whole table
// through one JSON line, decode it in TS, delete the expired half key by key, as
// ConntrackReaper did). Standalone: `sudo npx tsx bench/dataplane/conntrack-gc.ts
// [--runs N]`; also `run.ts --gc`. Prints medians, nothing asserts on time.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Env, setupEnv } from "../../bpf/tests/lib/harness";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import { dumpConntrack } from "../../edge-agent/src/dataplane/flows";
import { median, table } from "./stats";

const N = 262_144; // conntrack's max_entries
const BEFORE = 1_000_000n;

const flow = (i: number) => ({
  saddr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  daddr: "10.255.0.1",
  sport: 1000,
  dport: 80,
  proto: 6,
});
/** Odd flows expired long ago, even ones far in the future. */
const expiredHalf: [object, object][] = [];
const liveHalf: [object, object][] = [];
for (let i = 0; i < N; i++)
  (i % 2 ? expiredHalf : liveHalf).push([
    flow(i),
    { expires: i % 2 ? 1000n : 1n << 62n, state: 2, packets: 1n },
  ]);

/** Peak resident set of a process since the last reset (VmHWM), in MiB. */
function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}
function resetPeak(pid: number) {
  writeFileSync(`/proc/${pid}/clear_refs`, "5"); // 5: reset the peak RSS to the current RSS
}

async function oldWay(dp: Dataplane) {
  const rows = await dumpConntrack(dp);
  let deleted = 0;
  for (const r of rows) {
    if (r.entry.expires >= BEFORE) continue;
    await dp.del("conntrack", r.key).catch(() => undefined);
    deleted++;
  }
  return deleted;
}

interface Measure {
  ms: number[];
  rss: number[];
  deleted: number[];
}

async function timeRuns(env: Env, dp: Dataplane, runs: number, fn: () => Promise<number>) {
  const pid = env.loader.pid!;
  const m: Measure = { ms: [], rss: [], deleted: [] };
  for (let i = 0; i < runs; i++) {
    await dp.putMany("conntrack", expiredHalf); // back to a full table
    resetPeak(pid);
    const t = performance.now();
    m.deleted.push(await fn());
    m.ms.push(performance.now() - t);
    m.rss.push(peakRssMiB(pid));
  }
  return m;
}

export async function benchConntrackGc(env: Env, runs = 5) {
  const dp = await env.fresh();
  await dp.putMany("conntrack", liveHalf);
  const expire = await timeRuns(env, dp, runs, async () => {
    return (await dp.expire("conntrack", "expires", BEFORE)).deleted;
  });
  await dp.putMany("conntrack", expiredHalf);
  const dump = await env.loader.call("dump", { name: "main", map: "conntrack" });
  const dumpBytes = JSON.stringify(dump).length;
  const old = await timeRuns(env, dp, runs, () => oldWay(dp));
  await dp.clear("conntrack");
  return { expire, old, dumpBytes };
}

export function printConntrackGc(r: Awaited<ReturnType<typeof benchConntrackGc>>, runs: number) {
  const e = median(r.expire.ms);
  const o = median(r.old.ms);
  console.log(
    `\nConntrack cleanup, full table (${N.toLocaleString("en")} entries, half expired), median of ${runs} runs\n`,
  );
  console.log(
    table([
      ["method", "ms", "x expire", "deleted", "helper peak RSS MiB", "answer bytes"],
      [
        "expire (in helper, 4096 per batch)",
        e,
        1,
        String(median(r.expire.deleted)),
        median(r.expire.rss),
        "~60",
      ],
      [
        "dump via JSON + per-key delete",
        o,
        o / e,
        String(median(r.old.deleted)),
        median(r.old.rss),
        `${(r.dumpBytes / 2 ** 20).toFixed(1)} MiB`,
      ],
    ]),
  );
}

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? "")) {
  const at = process.argv.indexOf("--runs");
  const runs = at > 0 ? Number(process.argv[at + 1]) : 5;
  const env = await setupEnv();
  try {
    printConntrackGc(await benchConntrackGc(env, runs), runs);
  } finally {
    await env.close();
  }
}
