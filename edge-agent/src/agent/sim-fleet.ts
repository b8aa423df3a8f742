// Many simulated agents in one process, for demos and the fleet benchmark: each has its
// own identity, MQTT connection and SimulatedDriver, exactly the code a real device runs
// minus the kernel. Agents connect in batches so a broker is not hit by every TLS
// handshake at once. With `overlay: true` each agent also runs a simulated overlay
// (overlay/sim-overlay.ts: a tunnel key, synthetic probes, the real path selection), as
// the demo does; without it (the benchmark) no overlay object exists at all.
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Agent, type AgentSnapshot } from "./agent";
import type { BackoffOptions } from "./backoff";
import { SimulatedDriver, type SimulatedDriverOptions } from "./drivers/simulated";
import { createLogger, type Logger, silentLogger } from "./log";
import { SimOverlay } from "./overlay/sim-overlay";
import {
  type AgentStore,
  type Credentials,
  type DeviceIdentity,
  FileStore,
  MemoryStore,
} from "./store";
import { mtlsTransport, plainTransport, type Transport } from "./transport";

export interface SimAgentSpec {
  identity: DeviceIdentity;
  credentials?: Credentials | null;
  /** Persist last-good and renewed certificates here; in memory when absent. */
  stateDir?: string;
}

export interface SimFleetOptions {
  agents: readonly SimAgentSpec[];
  /** Default: mutual TLS with each agent's credentials. */
  transport?: Transport;
  driver?: SimulatedDriverOptions;
  heartbeatSeconds?: number;
  backoff?: BackoffOptions;
  /** Agents started together; the next batch waits until these connected (or 10 s). */
  batchSize?: number;
  /** A simulated overlay per agent (tunnel key in its state dir, else in memory). */
  overlay?: boolean;
  log?: Logger;
}

export interface SimFleet {
  agents: Agent[];
  drivers: SimulatedDriver[];
  /** One per agent with `overlay: true`, else empty. */
  overlays: SimOverlay[];
  snapshots(): AgentSnapshot[];
  /** Counts by status and connection, for progress lines. */
  summary(): { total: number; connected: number; byRevision: Record<number, number> };
  stop(): Promise<void>;
}

export async function startSimFleet(o: SimFleetOptions): Promise<SimFleet> {
  const log = o.log ?? silentLogger;
  const drivers: SimulatedDriver[] = [];
  const overlays: SimOverlay[] = [];
  const agents = o.agents.map((spec) => {
    const driver = new SimulatedDriver(o.driver);
    drivers.push(driver);
    const store: AgentStore = spec.stateDir
      ? new FileStore(spec.stateDir)
      : new MemoryStore(null, spec.credentials ?? null);
    const alog = log === silentLogger ? log : log.child({ identity: spec.identity.identity });
    const overlay = o.overlay
      ? new SimOverlay({ stateDir: spec.stateDir, log: alog.child({ component: "overlay" }) })
      : undefined;
    if (overlay) overlays.push(overlay);
    return new Agent({
      identity: spec.identity,
      credentials: spec.credentials ?? null,
      driver,
      ...(overlay ? { overlay } : {}),
      store,
      transport: o.transport,
      log: alog,
      heartbeatSeconds: o.heartbeatSeconds,
      simulated: true,
      backoff: o.backoff,
    });
  });
  const batch = Math.max(1, o.batchSize ?? 200);
  for (let i = 0; i < agents.length; i += batch) {
    const group = agents.slice(i, i + batch);
    // An agent publishes its overlay's key at connect: the key comes first.
    if (overlays.length) await Promise.all(overlays.slice(i, i + batch).map((x) => x.start()));
    await Promise.all(group.map((a) => a.start()));
    await Promise.all(group.map((a) => a.whenConnected(10_000)));
  }
  const snapshots = () => agents.map((a) => a.snapshot());
  return {
    agents,
    drivers,
    overlays,
    snapshots,
    summary() {
      const byRevision: Record<number, number> = {};
      let connected = 0;
      for (const s of snapshots()) {
        if (s.connected) connected++;
        byRevision[s.revision] = (byRevision[s.revision] ?? 0) + 1;
      }
      return { total: agents.length, connected, byRevision };
    },
    async stop() {
      await Promise.all(agents.map((a) => a.stop()));
      await Promise.all(overlays.map((x) => x.close()));
    },
  };
}

/** Specs from enrolled state directories (identity.json, key and certificates). */
export async function loadSimAgents(stateDirs: readonly string[]): Promise<SimAgentSpec[]> {
  const specs: SimAgentSpec[] = [];
  for (const dir of stateDirs) {
    const store = new FileStore(dir);
    const identity = await store.loadIdentity();
    if (!identity) throw new Error(`${dir}: not enrolled (no identity.json)`);
    specs.push({ identity, credentials: await store.loadCredentials(), stateDir: dir });
  }
  return specs;
}

const USAGE = `sim-fleet: run many simulated agents in one process
  tsx edge-agent/src/agent/sim-fleet.ts (--state-root <dir> | --state-dir <dir> ...)
      [--fail-marker <text>] [--apply-delay-ms <n>] [--heartbeat <s>] [--batch <n>]
      [--plain-mqtt <mqtt://127.0.0.1:1883>]   (no TLS: local demos only)
      [--overlay]   a simulated overlay per agent (synthetic probes, real path selection)
  --state-root: every subdirectory is one enrolled state dir.`;

async function cli(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "state-root": { type: "string" },
      "state-dir": { type: "string", multiple: true },
      "fail-marker": { type: "string" },
      "apply-delay-ms": { type: "string" },
      heartbeat: { type: "string" },
      batch: { type: "string" },
      "plain-mqtt": { type: "string" },
      overlay: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let dirs = values["state-dir"] ?? [];
  if (values["state-root"]) {
    const root = values["state-root"];
    const entries = await readdir(root, { withFileTypes: true });
    dirs = [...dirs, ...entries.filter((e) => e.isDirectory()).map((e) => join(root, e.name))];
  }
  if (dirs.length === 0) {
    console.error(USAGE);
    return 2;
  }
  const log = createLogger("info");
  const fleet = await startSimFleet({
    agents: await loadSimAgents(dirs),
    transport: values["plain-mqtt"] ? plainTransport(values["plain-mqtt"]) : mtlsTransport(),
    driver: {
      failMarker: values["fail-marker"],
      applyDelayMs: values["apply-delay-ms"] ? Number(values["apply-delay-ms"]) : undefined,
    },
    heartbeatSeconds: values.heartbeat ? Number(values.heartbeat) : undefined,
    batchSize: values.batch ? Number(values.batch) : undefined,
    overlay: values.overlay,
    log: createLogger("warn"),
  });
  log.info("sim fleet running", fleet.summary());
  const timer = setInterval(() => log.info("sim fleet", fleet.summary()), 10_000);
  await new Promise<void>((done) => {
    process.once("SIGINT", () => done());
    process.once("SIGTERM", () => done());
  });
  clearInterval(timer);
  await fleet.stop();
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`sim-fleet: ${(e as Error).message}`);
      process.exit(1);
    },
  );
