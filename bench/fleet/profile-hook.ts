// Preloaded (node --import) into the workers and agents processes when the benchmark runs
// with --profile: SIGUSR2 starts the V8 CPU profiler, the next SIGUSR2 stops it and writes
// `<BENCH_PROFILE_DIR>/<name>-<n>.cpuprofile` (open it in Chrome DevTools). The benchmark
// brackets each measured change with the two signals, so the profile holds that change only.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";

const dir = process.env.BENCH_PROFILE_DIR;
const name = `${process.env.BENCH_PROFILE_NAME ?? "node"}-${process.pid}`;
if (dir) {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params ?? {}, (e, r) => (e ? reject(e) : resolve(r))),
    );
  let running = false;
  let count = 0;
  let chain: Promise<unknown> = Promise.resolve();
  const toggle = async () => {
    if (!running) {
      await post("Profiler.enable");
      await post("Profiler.setSamplingInterval", { interval: 500 });
      await post("Profiler.start");
    } else {
      const r = (await post("Profiler.stop")) as { profile: unknown };
      writeFileSync(join(dir, `${name}-${++count}.cpuprofile`), JSON.stringify(r.profile));
    }
    running = !running;
  };
  process.on("SIGUSR2", () => {
    chain = chain.then(toggle).catch((e: Error) => console.error(`profile: ${e.message}`));
  });
}
