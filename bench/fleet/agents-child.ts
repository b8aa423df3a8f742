// The simulated agents' process: enrolls devices through the portal's HTTP endpoint (a
// real key and CSR each, like `patronus-agent enroll`), then runs them all with
// startSimFleet: the real agent code, each with its own mutual-TLS connection and
// certificate, a SimulatedDriver instead of the kernel. Commanded over IPC by
// agents.ts; exits when the benchmark goes away.
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
  StatusResult,
} from "./agents-protocol";

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

async function start(batchSize: number, persist: boolean) {
  // Credentials from the enrolled state dirs. persist: each agent keeps its last-good state
  // there as a box does (written to a temp file, fsync'd, renamed, directory fsync'd);
  // otherwise in memory.
  const loaded = await loadSimAgents(dirs);
  const specs = persist ? loaded : loaded.map(({ stateDir: _d, ...spec }) => spec);
  fleet = await startSimFleet({ agents: specs, batchSize });
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
  const agents = fleet?.agents ?? [];
  for (const a of agents) {
    const s = a.snapshot();
    if (s.connected) connected++;
    if (s.revision >= revision && s.status === "applied") applied++;
  }
  return { total: agents.length, connected, applied };
}

async function handle(r: AgentsRequest): Promise<unknown> {
  switch (r.cmd) {
    case "enroll":
      return enrollAll(r);
    case "start":
      return start(r.batchSize, r.persist);
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
