// Everything a fleet benchmark starts, stopped whatever happens: each part is tracked as
// soon as it exists, cleanup() stops them in reverse order and drops the bench database,
// Ctrl-C and SIGTERM clean up, and on exit no child process or temp dir outlives the run.
import { rmSync } from "node:fs";
import { type BenchEnv, dropBenchEnv } from "./bench-env";
import { within } from "./stats";

let benchEnv: BenchEnv | undefined;
const stops: { name: string; fn: () => Promise<unknown> }[] = [];
/** Processes to SIGKILL if the benchmark leaves before stopping them. */
export const livePids = new Set<number>();
let cleaning: Promise<void> | undefined;

/** The bench environment to drop at the end (createBenchEnv's `track`). */
export function trackEnv(env: BenchEnv) {
  benchEnv = env;
}

export function track(name: string, fn: () => Promise<unknown>, pid?: number) {
  stops.push({ name, fn });
  if (pid) livePids.add(pid);
}

export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const s of stops.reverse()) {
      try {
        await within(s.fn(), 60_000, `stopping ${s.name}`);
      } catch (e) {
        console.error(`cleanup: ${(e as Error).message}`);
      }
    }
    livePids.clear(); // stopped: never signal a pid that may since belong to someone else
    if (benchEnv) {
      for (const p of await dropBenchEnv(benchEnv)) console.error(`cleanup: ${p}`);
    }
  })();
  return cleaning;
}

// Last resort when the process is leaving anyway: no child outlives the benchmark.
process.on("exit", () => {
  for (const pid of livePids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
  for (const dir of benchEnv?.dirs ?? []) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
