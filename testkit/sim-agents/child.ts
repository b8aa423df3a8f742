// The simulated agents' process: enrolls devices through the portal's HTTP endpoint (a
// real key and CSR each, like `patronus-agent enroll`), then runs them all with
// startSimFleet: the real agent code, each with its own mutual-TLS connection and
// certificate, a SimulatedDriver instead of the kernel. Commanded over IPC by pool.ts;
// exits when its parent (a benchmark, a test) goes away.
import { join } from "node:path";
import { enroll } from "../../edge-agent/src/agent/enroll";
import { loadSimAgents, type SimFleet, startSimFleet } from "../../edge-agent/src/agent/sim-fleet";
import { FileStore } from "../../edge-agent/src/agent/store";
import type {
  AgentsReply,
  AgentsRequest,
  ApplyTimes,
  EnrollResult,
  Memory,
  StartOptions,
  StatusResult,
} from "./protocol";

let dirs: string[] = [];
let fleet: SimFleet | undefined;
let applyAt: number[] = [];

function memory(): Memory {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

async function enrollAll(r: Extract<AgentsRequest, { cmd: "enroll" }>): Promise<EnrollResult> {
  dirs = r.tokens.map((_, i) => join(r.dir, String(i).padStart(5, "0")));
  const identities: string[] = new Array(r.tokens.length);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < r.tokens.length; i = next++) {
      const res = await enroll({
        url: r.url,
        token: r.tokens[i]!,
        store: new FileStore(dirs[i]!),
        hostname: `bench-${i}`,
        wait: false,
      });
      if (res.status !== "active") throw new Error(`device ${i} is ${res.status}, not active`);
      identities[i] = res.identity.identity;
    }
  };
  await Promise.all(Array.from({ length: r.concurrency }, worker));
  return { ms: performance.now() - started, identities };
}

async function start(o: StartOptions) {
  // Credentials from the enrolled state dirs; last-good there too with `persist`.
  const loaded = await loadSimAgents(dirs);
  const specs = o.persist ? loaded : loaded.map(({ stateDir: _d, ...spec }) => spec);
  fleet = await startSimFleet({
    agents: specs,
    batchSize: o.batchSize,
    driver: { applyDelayMs: o.applyDelayMs },
    backoff: o.backoff,
  });
  // The moment each device starts applying (epoch ms, comparable across processes): the
  // benchmark's view of delivery, without a second subscriber to every desired state.
  applyAt = fleet.drivers.map(() => 0);
  fleet.drivers.forEach((driver, i) => {
    const apply = driver.apply.bind(driver);
    driver.apply = (config) => {
      applyAt[i] = performance.timeOrigin + performance.now();
      return apply(config);
    };
  });
  return fleet.summary();
}

function status(revision: number): StatusResult {
  let connected = 0;
  let applied = 0;
  let reconnected = 0;
  const behind: string[] = [];
  const agents = fleet?.agents ?? [];
  for (const a of agents) {
    const s = a.snapshot();
    if (s.connected) connected++;
    if (s.reconnectsTotal > 0) reconnected++;
    if (s.revision >= revision && s.status === "applied") applied++;
    else if (behind.length < 10)
      behind.push(`${a.identity.identity} r${s.revision} ${s.status} connected=${s.connected}`);
  }
  return { total: agents.length, connected, applied, reconnected, behind };
}

async function handle(r: AgentsRequest): Promise<unknown> {
  switch (r.cmd) {
    case "enroll":
      return enrollAll(r);
    case "start": {
      const { cmd: _c, ...o } = r;
      return start(o);
    }
    case "status":
      return status(r.revision);
    case "memory":
      return memory();
    case "applyTimes":
      return {
        identities: fleet?.agents.map((a) => a.identity.identity) ?? [],
        at: applyAt,
      } satisfies ApplyTimes;
    case "stop":
      await fleet?.stop();
      fleet = undefined;
      return null;
  }
}

process.on("message", (m: AgentsRequest & { id: number }) => {
  handle(m).then(
    (result) => process.send?.({ id: m.id, ok: true, result } satisfies AgentsReply),
    (e: Error) =>
      process.send?.({ id: m.id, ok: false, error: e.stack ?? e.message } satisfies AgentsReply),
  );
});
process.on("disconnect", () => process.exit(1));
