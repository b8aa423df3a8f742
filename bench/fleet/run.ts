// Fleet benchmark: `npx tsx bench/fleet/run.ts [--sizes 1000,10000,50000] [--runs R]
// [--warmup 1] [--per-site 10] [--concurrency 16] [--agent-procs <cores>] [--keep-going]
// [--broker embedded|mosquitto] [--brokers N] [--state disk|tmpfs]`
// (investigation: [--profile DIR] [--pg-waits] [--pg-log-ms N] [--no-vacuum]). Runs N
// simulated agents (the real agent code, thousands per process, each keeping its
// last-good state on disk with fsync) against the default embedded broker (or N of them
// clustered through Redis, or Mosquitto) and measures one REST API change → every
// device's ack and → the database having recorded every ack, plus enrollment throughput
// and memory per agent. Prints figures; the target (10,000 agents, p99 ≤ 2 s on one 2-core machine)
// is the issue's, nothing here asserts on time. Everything it creates (database, Redis
// keys, broker, processes, temp dirs) is removed at the end, also on failure and Ctrl-C.
import { mkdirSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { MAX_SITE_RULES } from "../../protocol";
import { freePort } from "../../server/platform/free-port";
import { AgentPool } from "../../testkit/sim-agents/pool";
import { TcpBalancer } from "../../testkit/stack/tcp-balancer";
import {
  autovacuumOn,
  type BenchEnv,
  createBenchEnv,
  standInAutovacuum,
  vacuumFleetTables,
} from "./bench-env";
import { type BrokerPorts, brokerUrls } from "./broker-ports";
import type { ControlPlane } from "./control-plane";
import { cleanup, livePids, track, trackEnv } from "./lifecycle";
import type { MeasureContext, Mode, RunResult } from "./measure";
import { PgWaits } from "./pg-waits";
import { profiled, rssBytes } from "./procs";
import {
  cpuTable,
  enrollCpuTable,
  memoryTable,
  runLine,
  type SizeResult,
  summaryTable,
  TARGET_MS,
  timelineTable,
  worstTable,
} from "./report";
import { sleep, waitFor } from "./stats";

const { values: flags } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000,10000,50000" },
    /** The default broker (Aedes in the fleet process) or Mosquitto. */
    broker: { type: "string", default: "embedded" },
    /** Embedded brokers clustered through Redis behind a TCP balancer. */
    brokers: { type: "string", default: "1" },
    /** Where the agents keep their state: this machine's disk (fsync'd) or tmpfs. */
    state: { type: "string", default: "disk" },
    runs: { type: "string" },
    warmup: { type: "string", default: "1" },
    "per-site": { type: "string", default: "10" },
    concurrency: { type: "string", default: "16" },
    "keep-going": { type: "boolean", default: false },
    /** Skip the VACUUM ANALYZE of the fleet tables before each change (see bench-env.ts). */
    "no-vacuum": { type: "boolean", default: false },
    /** Processes the simulated agents are spread over (default: one per core). */
    "agent-procs": { type: "string" },
    /** CPU profiles of the workers and agents processes, one per measured change. */
    profile: { type: "string" },
    /** Log statements slower than this many ms to PostgreSQL's log (this database only). */
    "pg-log-ms": { type: "string" },
    /** Sample what PostgreSQL's backends wait for during each change, and print it. */
    "pg-waits": { type: "boolean", default: false },
  },
});
const sizes = flags.sizes.split(",").map((s) => Number(s.replace(/_/g, "")));
const warmup = Number(flags.warmup);
const perSite = Number(flags["per-site"]);
const concurrency = Number(flags.concurrency);
const vacuum = !flags["no-vacuum"];
const agentProcs = Number(flags["agent-procs"] ?? availableParallelism());
const profileDir = flags.profile ? resolve(flags.profile) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const runsFor = (n: number) => (flags.runs ? Number(flags.runs) : n <= 1000 ? 5 : 3);
if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 100_000))
  throw new Error("--sizes: whole numbers from 1 to 100000");
const brokerKind = flags.broker;
const brokerCount = Number(flags.brokers);
if (brokerKind !== "embedded" && brokerKind !== "mosquitto")
  throw new Error("--broker: embedded or mosquitto");
if (!Number.isInteger(brokerCount) || brokerCount < 1 || brokerCount > 8)
  throw new Error("--brokers: 1 to 8");
if (brokerKind === "mosquitto" && brokerCount > 1)
  throw new Error("--brokers: several brokers are the embedded one clustered through Redis");
if (flags.state !== "disk" && flags.state !== "tmpfs") throw new Error("--state: disk or tmpfs");
// Each change adds a rule; a site enforces at most MAX_SITE_RULES (global rules included).
const maxRuns = Math.floor((MAX_SITE_RULES - 4 - warmup) / 2);
if (sizes.some((n) => warmup + 2 * runsFor(n) > MAX_SITE_RULES - 4))
  throw new Error(`--runs: at most ${maxRuns}`);

const log = (line: string) => console.log(line);

let benchEnv: BenchEnv | undefined;

// --- one fleet size -----------------------------------------------------------------
async function benchSize(cp: ControlPlane, n: number, waits?: PgWaits): Promise<SizeResult> {
  const { createBenchOrg, dbApplied, fleetRevision } = await import("./org");
  const { cpuDelta, cpuSnapshot, measureChange, setCanary } = await import("./measure");

  const sites = Math.ceil(n / perSite);
  log(`\nN = ${n.toLocaleString("en")}: org with ${sites} site(s), ${perSite} agent(s) per site`);
  const org = await createBenchOrg(n, perSite, log);
  await cp.broker.trustOrg(org.orgId); // the org's CA, made with its first site

  const agents = AgentPool.start(agentProcs, n, () =>
    profileDir ? profiled("agents", profileDir) : {},
  );
  track(`agents (N=${n})`, () => agents.stop());
  for (const pid of agents.pids) livePids.add(pid);
  const pidsNow = { agents: agents.pids, workers: cp.worker.pid, brokers: cp.broker.pids };

  log(
    `  enrolling ${n} devices through ${cp.portalUrl}/api/fleet/enroll, ${concurrency} at a time`,
  );
  const cpuE0 = await cpuSnapshot(pidsNow);
  const enrolled = await agents.enroll(
    { url: cp.portalUrl, tokens: org.tokens, concurrency, dir: join(benchEnv!.stateRoot, `n${n}`) },
    60_000 + n * 100,
  );
  const enrollCpu = cpuDelta(cpuE0, await cpuSnapshot(pidsNow));
  log(
    `  enrolled in ${(enrolled.ms / 1000).toFixed(1)} s: ${(n / (enrolled.ms / 1000)).toFixed(1)} devices/s`,
  );

  const mem0 = await agents.memory();
  const brokerRss = async () =>
    (await Promise.all(cp.broker.pids.map(rssBytes))).reduce((a, b) => a + b, 0);
  const broker0 = await brokerRss();
  const t = performance.now();
  await agents.startAgents({ batchSize: 200, persist: flags.state === "disk" }, 60_000 + n * 60);
  const { compiled } = await fleetRevision(org.orgId);
  let agentState = "";
  await waitFor(
    "every agent to be connected with the current revision applied",
    async () => {
      const s = await agents.status(compiled);
      agentState = `${s.connected}/${n} connected, ${s.applied}/${n} applied revision ${compiled}`;
      return s.connected === n && s.applied === n;
    },
    120_000 + n * 30, // ~70 connects/s on this machine at 10,000
    { everyMs: 250, detail: () => `${agentState}; broker log: ${cp.broker.logTail(4)}` },
  );
  let dbState = "";
  await waitFor(
    "the database to record every device online with the current revision",
    async () => {
      const d = await dbApplied(org.orgId, compiled);
      dbState = `${d.online}/${n} online, ${d.applied}/${n} applied`;
      return d.online === n && d.applied === n;
    },
    60_000 + n * 5,
    { everyMs: 250, detail: () => dbState },
  );
  log(
    `  ${n} agents connected (mutual TLS) and on revision ${compiled} in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  await sleep(2000); // the connect storm's trailing reports
  const mem1 = await agents.memory();
  const broker1 = await brokerRss();

  const ctx: MeasureContext = {
    cp,
    org,
    identities: enrolled.identities,
    pids: pidsNow,
    profiled: profileDir ? [pidsNow.workers, ...pidsNow.agents] : [],
    applyTimes: () => agents.applyTimes(),
    diagnose: async (revision) => {
      const a = await agents.status(revision).catch((e: Error) => ({ error: e.message }));
      const d = await dbApplied(org.orgId, revision);
      const drops = cp.broker
        .logTail(200)
        .split("\n")
        .filter((l) => /drop/i.test(l));
      return `agents: ${JSON.stringify(a)}; database: ${d.applied}/${n} applied; broker: ${drops.slice(-3).join(" | ") || "no drops logged"}`;
    },
    waits,
  };
  const runs: RunResult[] = [];
  const total = warmup + runsFor(n);
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ");
  log(`  load average before the changes (1 / 5 / 15 min): ${load()}`);
  let change = 0;
  for (let k = 0; k < total; k++) {
    for (const mode of ["canary", "no-canary"] as Mode[]) {
      await setCanary(org, mode);
      if (vacuum) await vacuumFleetTables(benchEnv!.vars.DATABASE_URL!);
      const r = await measureChange(ctx, mode, ++change);
      if (k >= warmup) runs.push(r);
      log(`${runLine(n, r)}${k < warmup ? "  (warm-up, not counted)" : ""}`);
      if (r.pgWaits) log(`  PostgreSQL backends, samples every 20 ms:\n${r.pgWaits}`);
    }
  }

  log(`  load average after the changes: ${load()}`);
  await agents.stop();
  for (const pid of agents.pids) livePids.delete(pid);
  return {
    n,
    sites,
    enrollMs: enrolled.ms,
    enrollCpu,
    rssPerAgent: (mem1.rss - mem0.rss) / n,
    heapPerAgent: (mem1.heapUsed - mem0.heapUsed) / n,
    externalPerAgent: (mem1.external - mem0.external) / n,
    brokerPerAgent: (broker1 - broker0) / n,
    runs,
  };
}

// --- main ---------------------------------------------------------------------------
let exitCode = 0;
let autovacuum = false;
const results: SizeResult[] = [];
let brokerLabel = brokerKind;
const failures: string[] = [];
try {
  const pgLogMs = flags["pg-log-ms"] === undefined ? undefined : Number(flags["pg-log-ms"]);
  benchEnv = await createBenchEnv(
    (e) => {
      benchEnv = e;
      trackEnv(e);
    },
    { pgLogMs, stateOnTmpfs: flags.state === "tmpfs" },
  );
  const ports: BrokerPorts =
    brokerKind === "mosquitto"
      ? { kind: "mosquitto", port: await freePort(), controlPort: await freePort() }
      : {
          kind: "embedded",
          ports: await Promise.all(Array.from({ length: brokerCount }, () => freePort())),
        };
  // Several brokers: one address in front of them, as a Kubernetes Service would be.
  const balancer =
    ports.kind === "embedded" && ports.ports.length > 1
      ? await TcpBalancer.start(ports.ports)
      : undefined;
  if (balancer) track("balancer", () => balancer.close());
  const urls = { FLEET_BROKER: brokerKind, ...brokerUrls(ports, balancer?.port) };
  Object.assign(process.env, urls);
  const { startControlPlane } = await import("./control-plane");
  const cp = await startControlPlane(
    ports,
    balancer,
    { ...benchEnv.vars, ...urls },
    profileDir,
    (fn, pid) => track("control plane part", fn, pid),
  );
  track("control plane", () => cp.stop());
  brokerLabel = cp.broker.label;
  autovacuum = await autovacuumOn(benchEnv.vars.DATABASE_URL!);
  if (!autovacuum && vacuum) {
    const stop = standInAutovacuum(benchEnv.vars.DATABASE_URL!);
    track("autovacuum stand-in", stop);
  }
  const waits = flags["pg-waits"]
    ? await PgWaits.connect(benchEnv.vars.DATABASE_URL!, benchEnv.database)
    : undefined;
  if (waits) track("pg-waits", () => waits.close());
  log(`database ${benchEnv.database}, Redis prefix ${benchEnv.redisPrefix}`);
  log(
    `broker ${cp.broker.label}, pid(s) ${cp.broker.pids.join(", ")} (devices ${cp.broker.url}, control ${cp.broker.controlUrl}), workers pid ${cp.worker.pid}, REST API ${cp.apiUrl}`,
  );

  for (const n of sizes) {
    try {
      results.push(await benchSize(cp, n, waits));
    } catch (e) {
      const msg = `N=${n}: ${(e as Error).stack ?? e}`;
      if (!flags["keep-going"]) throw e;
      console.error(`\n${msg}\n  (--keep-going: next size)`);
      failures.push(msg);
      exitCode = 1;
    }
  }
} catch (e) {
  console.error(`\nfleet benchmark failed: ${(e as Error).stack ?? e}`);
  exitCode = 1;
} finally {
  if (results.length) print();
  await cleanup();
}
process.exit(exitCode);

function print() {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  log(
    `\nMachine: ${availableParallelism()} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  );
  log(
    `Processes: simulated agents (N spread over ${agentProcs} process(es), mutual TLS each, heartbeat 30 s, state on ${flags.state === "disk" ? "disk, fsync'd" : "tmpfs"}), workers + ingest (workers/index.ts), broker (${brokerLabel}), this one (REST API server, enrollment endpoint, observer, API caller), PostgreSQL, Redis`,
  );
  log(
    `Fleet: ${perSite} agent(s) per site; PostgreSQL autovacuum ${autovacuum ? "on" : "off"}; ${vacuum ? `VACUUM ANALYZE of the fleet tables before each change${autovacuum ? "" : ", and autovacuum's thresholds applied every 15 s throughout (bench-env.ts)"}` : "no VACUUM (--no-vacuum)"}`,
  );
  log(
    `\nChange → ack: one REST call (POST /api/v1/orgs/{org}/policy-rules, a rule for all sites) with the org's API key; ack = the device's state message with the new revision applied, as a control-plane subscriber sees it. Median over runs of each run's p50 / p99 / max (ms); target p99 ≤ ${TARGET_MS} ms; ratio = p99 / target. Runs: ${sizes.map((n) => `${runsFor(n)} at N=${n}`).join(", ")}, after ${warmup} warm-up run(s) per mode.\n`,
  );
  log(summaryTable(results));
  log(
    "\nWorst runs and the database: p99 and slowest ack of the worst run, time until every ack was recorded\n",
  );
  log(worstTable(results));
  log(
    "\nMemory per simulated agent (agents processes summed, after GC, all connected and applied, minus the same before start; broker RSS likewise)\n",
  );
  log(memoryTable(results));
  log("\nEnrollment (real keys and CSRs through the HTTP endpoint)\n");
  log(enrollCpuTable(results));
  log("\nWhere the time goes: median time of each event since the API call\n");
  log(timelineTable(results));
  log("\nCPU per process from the API call until the rollout is recorded completed\n");
  log(cpuTable(results));
  if (failures.length) log(`\nFailed sizes:\n${failures.join("\n")}`);
}
