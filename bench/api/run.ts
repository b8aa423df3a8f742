// API benchmark: `npm run bench:api -- [--conns 1,2,4,8,16,32] [--seconds 10] [--warmup 2]
// [--sites 10000] [--p99-ms 50] [--only rest-list,trpc-get] [--json <file>]`.
//
// What it measures: with 10,000 sites in one org, the public REST API v1 (API key) and the
// portal's tRPC endpoint (session cookie) serving the same two procedures, side by side:
//   list: GET /api/v1/orgs/{org}/sites?limit=50&cursor=…  vs  /api/trpc/site.list?input=…
//         (a random page of the 200, through cursors walked once before the load)
//   get:  GET /api/v1/orgs/{org}/sites/{siteId}           vs  /api/trpc/site.get?input=…
//         (a random site of the 10,000)
// Each workload runs under wrk at 1, 2, 4, 8, 16 and 32 connections (1 thread at 1
// connection, else 2), each step a short warm-up then a measured run with --latency. It
// prints every step (req/s, p50/p99/max ms) and, per workload, the step with the highest
// throughput whose p99 ≤ 50 ms (the issue's bar), with the REST/tRPC ratios of throughput
// and p50. A step with any answer other than 200, or any socket error or timeout, is FAILED
// and never the best. Each step also shows what the server spent: CPU ms of this process
// per request, its event-loop utilisation (1.00: the server's one thread was the limit)
// and database transactions per request (pg_stat_database, approximate: backends report
// about a second late). The table is also written as JSON to bench/api/results/<time>.json
// (gitignored), with wrk's raw output of each step. Nothing asserts on time.
//
// Setup: a fresh database (created and migrated like the tests', dropped at the end), its
// own Redis key prefix, billing off (STRIPE_SECRET_KEY empty: no plan rate limit for the
// key, which the run checks), one org made by a signed-in user through tRPC's org.create,
// an API key (site.read) through apiKey.create, and 10,000 sites inserted in one statement.
// The per-user rate budget (USER_BUDGET.callsPerWindow, 600 a minute) would refuse the
// tRPC side within seconds: it is raised in this process only, and the run says so. The
// per-caller concurrency lanes stay as they are for both sides (4 calls of one caller at
// once, 32 waiting; tRPC also looks the session up in a lane of its cookie): so 32
// connections is the most one caller can hold without 429s, and the steps stop there.
//
// Caveats: wrk, the server and PostgreSQL share one machine (2 cores here), and the machine
// may be busy with other work: the one-minute load average is printed at the start, the
// end and per step, and figures from a loaded machine compare the two sides (same run,
// steps interleaved) better than they measure either. wrk is a closed-loop generator: each
// connection waits for its answer before the next request, so latency under overload is
// understated (coordinated omission) and "rate" means the throughput reached at that
// concurrency. The server is testkit/api-server.ts (node:http in this process, the same
// REST and tRPC route handlers the portal mounts), not the Next.js server, and both sides
// share it, its event loop and its database pool (DATABASE_POOL_MAX). The sites have no
// devices, so list's device-count query finds nothing. Needs PostgreSQL and Redis on
// loopback (as the tests) and `wrk` (Debian: apt-get install wrk).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { sleep } from "../../testkit/wait";
import { type BenchEnv, createBenchEnv, dropBenchEnv } from "../fleet/bench-env";
import {
  type Best,
  bestStep,
  ENDPOINTS,
  failureOf,
  ratio,
  type Step,
  stepFailed,
  stepTable,
  summaryTable,
  WORKLOADS,
  type Workload,
} from "./report";
import { killRunningWrk, runWrk, writeScript, wrkVersion } from "./wrk";

const { values: flags } = parseArgs({
  options: {
    conns: { type: "string", default: "1,2,4,8,16,32" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    sites: { type: "string", default: "10000" },
    "p99-ms": { type: "string", default: "50" },
    only: { type: "string" },
    json: { type: "string" },
  },
});
const conns = flags.conns.split(",").map(Number);
const seconds = Number(flags.seconds);
const warmupSeconds = Number(flags.warmup);
const siteCount = Number(flags.sites.replace(/_/g, ""));
const p99LimitMs = Number(flags["p99-ms"]);
const PAGE = 50;
const workloads = flags.only
  ? WORKLOADS.filter((w) => flags.only!.split(",").includes(w))
  : WORKLOADS;
if (conns.some((c) => !Number.isInteger(c) || c < 1))
  throw new Error("--conns: positive whole numbers");
if (!workloads.length) throw new Error(`--only: some of ${WORKLOADS.join(", ")}`);
const threadsFor = (c: number) => Math.min(2, c);
/** Quiet before reading the database's counters (and for requests still queued to finish). */
const SETTLE_MS = 1_500;
const ADMIN_URL =
  process.env.BENCH_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

const log = (line: string) => console.log(line);
const load1 = () => loadavg()[0]!;
const loadLine = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");

const version = wrkVersion();
if (!version) {
  console.error(
    "bench:api needs wrk, which is not installed: `apt-get install wrk` (Debian), then run again.",
  );
  process.exit(2);
}

// --- cleanup, whatever happens ------------------------------------------------------
let benchEnv: BenchEnv | undefined;
const stops: { name: string; fn: () => Promise<unknown> }[] = [];
let cleaning: Promise<void> | undefined;
const track = (name: string, fn: () => Promise<unknown>) => stops.push({ name, fn });

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    killRunningWrk();
    for (const s of stops.reverse()) {
      try {
        await s.fn();
      } catch (e) {
        console.error(`cleanup: ${s.name}: ${(e as Error).message}`);
      }
    }
    if (benchEnv) for (const p of await dropBenchEnv(benchEnv)) console.error(`cleanup: ${p}`);
  })();
  return cleaning;
}
process.on("exit", killRunningWrk);
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });

// --- the run --------------------------------------------------------------------------
interface Target {
  paths: string[];
  headers: Record<string, string>;
  script: string;
}

const startedAt = new Date();
const loadAtStart = loadLine();
const steps = Object.fromEntries(WORKLOADS.map((w) => [w, [] as Step[]])) as Record<
  Workload,
  Step[]
>;
let exitCode = 0;
let info: Record<string, unknown> = {};

try {
  benchEnv = await createBenchEnv((e) => {
    benchEnv = e;
  });
  // Billing off: every org unlimited, so no plan rate limit applies to the key.
  Object.assign(process.env, { STRIPE_SECRET_KEY: "", STRIPE_WEBHOOK_SECRET: "" });

  const { startApiServer } = await import("../../testkit/api-server");
  const { createApiBenchOrg, trpc } = await import("./setup");
  const { USER_BUDGET } = await import("../../server/platform/http/user-budget");
  const { env } = await import("../../server/platform/env");
  const { closeQueues } = await import("../../server/platform/jobs/queues");
  const { getRedis } = await import("../../server/platform/redis");
  const { getDb } = await import("../../server/platform/db/client");
  track("database pool", () => getDb().$disconnect());
  track("Redis", () => getRedis().quit());
  track("queues", () => closeQueues());

  const server = await startApiServer();
  track("API server", () => server.close());
  log(`bench:api: database ${benchEnv.database}, Redis prefix ${benchEnv.redisPrefix}`);
  log(`server ${server.url} (testkit/api-server.ts: node:http in this process), ${version}`);

  const t0 = Date.now();
  const org = await createApiBenchOrg(server.url, siteCount);
  log(
    `org ${org.orgSlug}: ${siteCount} sites, API key (site.read), owner session (${Date.now() - t0} ms)`,
  );
  if (org.apiRate.perKey < Number.MAX_SAFE_INTEGER || org.apiRate.perOrg < Number.MAX_SAFE_INTEGER)
    throw new Error(`billing is on: the key is limited to ${org.apiRate.perKey} calls a minute`);
  log("billing off: the org's API rate is unlimited (server/api/rest/limits.ts counts nothing)");

  const budgetBefore = USER_BUDGET.callsPerWindow;
  USER_BUDGET.callsPerWindow = 1_000_000_000;
  log(
    `USER_BUDGET.callsPerWindow raised in this process for the benchmark: ${budgetBefore} → ${USER_BUDGET.callsPerWindow} per ${USER_BUDGET.windowSeconds} s (still counted in Redis on every tRPC call)`,
  );
  log(
    `concurrency lanes unchanged for both sides: ${USER_BUDGET.concurrent} running + ${USER_BUDGET.queued} waiting per caller (REST: the key's lane; tRPC: the cookie's session-lookup lane, then the user's)`,
  );

  // --- the pages and ids, walked once through REST; tRPC must give the same -------------
  const rest = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${org.token}` },
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  type SitePage = { items: { id: string; name: string }[]; next: string | null };
  const restList = (cursor?: string) =>
    `/api/v1/orgs/${org.orgSlug}/sites?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ""}`;
  const trpcPath = (proc: string, input: object) =>
    `/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const listInput = (cursor?: string) => ({
    orgSlug: org.orgSlug,
    limit: PAGE,
    ...(cursor ? { cursor } : {}),
  });

  const cursors: (string | undefined)[] = [];
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    cursors.push(cursor);
    const page = await rest<SitePage>(restList(cursor));
    ids.push(...page.items.map((s) => s.id));
    cursor = page.next ?? undefined;
  } while (cursor);
  if (ids.length !== siteCount || new Set(ids).size !== siteCount)
    throw new Error(`walking the list gave ${ids.length} sites, ${new Set(ids).size} distinct`);
  const probe = cursors[Math.floor(cursors.length / 2)];
  const viaTrpc = await trpc<SitePage>(server.url, org.cookie, "site.list", listInput(probe));
  const viaRest = await rest<SitePage>(restList(probe));
  if (viaTrpc.items.map((s) => s.id).join() !== viaRest.items.map((s) => s.id).join())
    throw new Error("tRPC and REST list different sites for the same cursor");
  const one = ids[ids.length - 1]!;
  const a = await trpc<{ id: string }>(server.url, org.cookie, "site.get", {
    orgSlug: org.orgSlug,
    siteId: one,
  });
  const b = await rest<{ id: string }>(`/api/v1/orgs/${org.orgSlug}/sites/${one}`);
  if (a.id !== one || b.id !== one) throw new Error("site.get answered another site");
  log(
    `${cursors.length} pages of ${PAGE} walked through REST; tRPC gives the same pages and sites`,
  );

  // --- the wrk scripts --------------------------------------------------------------------
  const dir = mkdtempSync(join(tmpdir(), "patronus-bench-api-"));
  track("scripts", async () => rmSync(dir, { recursive: true, force: true }));
  const bearer = { Authorization: `Bearer ${org.token}` };
  const cookie = { Cookie: org.cookie };
  const defs: Record<Workload, Omit<Target, "script">> = {
    "rest-list": { paths: cursors.map(restList), headers: bearer },
    "trpc-list": {
      paths: cursors.map((c) => trpcPath("site.list", listInput(c))),
      headers: cookie,
    },
    "rest-get": {
      paths: ids.map((id) => `/api/v1/orgs/${org.orgSlug}/sites/${id}`),
      headers: bearer,
    },
    "trpc-get": {
      paths: ids.map((id) => trpcPath("site.get", { orgSlug: org.orgSlug, siteId: id })),
      headers: cookie,
    },
  };
  const targets = {} as Record<Workload, Target>;
  for (const w of workloads) {
    const script = join(dir, `${w}.lua`);
    writeScript(script, defs[w].paths, defs[w].headers);
    targets[w] = { ...defs[w], script };
  }

  // Transactions committed or rolled back in the bench database so far, read from the
  // admin database (so the reading is not one of them). Backends flush their counts about
  // a second after going idle: read after SETTLE_MS of quiet.
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  track("admin connection", () => admin.end());
  const database = benchEnv.database;
  const transactions = async (): Promise<number | null> => {
    const { rows } = await admin.query<{ n: string }>(
      "SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1",
      [database],
    );
    return rows[0] ? Number(rows[0].n) : null;
  };

  // --- warm-up of both paths (JIT, pools, caches), then the steps ------------------------
  const wrk = (w: Workload, c: number, s: number) =>
    runWrk({
      url: server.url,
      script: targets[w].script,
      connections: c,
      threads: threadsFor(c),
      seconds: s,
    });
  for (const w of workloads) {
    const r = await wrk(w, 4, 5);
    if (stepFailed(r)) throw new Error(`warm-up of ${w} failed: ${failureOf(r)}`);
    log(`warm-up ${w}: ${r.requests} requests, ${r.rps.toFixed(0)} req/s`);
  }
  info = {
    server: server.url,
    wrk: version,
    poolMax: env.DATABASE_POOL_MAX,
    budget: { ...USER_BUDGET, callsPerWindowDefault: budgetBefore },
    pages: cursors.length,
  };

  const estimate =
    conns.length * workloads.length * (seconds + warmupSeconds + (2 * SETTLE_MS) / 1000);
  log(
    `\nsteps: ${conns.join(", ")} connections × ${workloads.join(", ")}, ${warmupSeconds} s warm-up + ${seconds} s each (~${Math.ceil(estimate / 60)} min); load average now ${loadLine()}`,
  );
  for (const c of conns) {
    // Interleaved: every workload at this concurrency before the next, so a change in the
    // machine's load over the run touches both sides alike.
    for (const w of workloads) {
      if (warmupSeconds > 0) await wrk(w, c, warmupSeconds);
      await sleep(SETTLE_MS);
      const tx0 = await transactions();
      const cpu0 = process.cpuUsage();
      const elu0 = performance.eventLoopUtilization();
      const r = await wrk(w, c, seconds);
      const cpu = process.cpuUsage(cpu0);
      const elu = performance.eventLoopUtilization(elu0).utilization;
      await sleep(SETTLE_MS);
      const tx1 = await transactions();
      const step: Step = {
        ...r,
        load1: load1(),
        cpuMsPerReq: (cpu.user + cpu.system) / 1000 / Math.max(1, r.requests),
        elu,
        txPerReq: tx0 === null || tx1 === null ? null : (tx1 - tx0) / Math.max(1, r.requests),
        failed: stepFailed(r),
      };
      steps[w].push(step);
      log(
        `  ${w.padEnd(9)} c=${String(c).padStart(2)} t=${r.threads}: ${r.rps.toFixed(1).padStart(7)} req/s  p50 ${r.p50Ms.toFixed(2).padStart(6)} ms  p99 ${r.p99Ms.toFixed(2).padStart(7)} ms  max ${r.maxMs.toFixed(1).padStart(6)} ms  cpu ${step.cpuMsPerReq.toFixed(2)} ms/req  elu ${elu.toFixed(2)}  tx/req ${step.txPerReq?.toFixed(1) ?? "-"}  load ${step.load1.toFixed(1)}${step.failed ? `  FAILED: ${failureOf(step)}` : ""}`,
      );
    }
  }
} catch (e) {
  console.error(`\nAPI benchmark failed: ${(e as Error).stack ?? e}`);
  exitCode = 1;
} finally {
  if (Object.values(steps).some((s) => s.length)) print();
  await cleanup();
}
process.exit(exitCode);

function print() {
  const best = Object.fromEntries(
    WORKLOADS.map((w) => [w, bestStep(steps[w], p99LimitMs)]),
  ) as Record<Workload, Best | null>;
  const loadAtEnd = loadLine();
  const machine = `${availableParallelism()} cores (${cpus()[0]?.model ?? "unknown CPU"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  log(`\nMachine: ${machine}`);
  log(`Load average (1/5/15 min): ${loadAtStart} at the start, ${loadAtEnd} at the end`);
  log(
    `Org: ${siteCount} sites, pages of ${PAGE}; wrk closed-loop, ${seconds} s per step after ${warmupSeconds} s warm-up, threads min(2, conns); DB pool ${String(info.poolMax ?? "?")} connections`,
  );
  log(
    `\nBest step per workload: highest req/s with p99 ≤ ${p99LimitMs} ms and every answer 200 (REST: API key; tRPC: session cookie)\n`,
  );
  log(summaryTable(best));
  for (const w of WORKLOADS) {
    const tried = steps[w].filter((s) => !s.failed);
    if (best[w] || !tried.length) continue;
    const low = tried.reduce((a, s) => (s.p99Ms < a.p99Ms ? s : a));
    log(
      `  ${w}: no step had p99 ≤ ${p99LimitMs} ms; the lowest p99 was ${low.p99Ms.toFixed(1)} ms (${low.connections} conns, ${low.rps.toFixed(1)} req/s, p50 ${low.p50Ms.toFixed(1)} ms)`,
    );
  }
  for (const e of ENDPOINTS) {
    log(
      `\n${e}: every step (latency ms; cpu = server CPU ms per request, elu = its event-loop utilisation, tx = database transactions per request; "ok" = p99 ≤ ${p99LimitMs} ms, FAILED = an error or an answer not 200)\n`,
    );
    log(stepTable(e, steps, p99LimitMs));
  }

  const out = flags.json
    ? flags.json
    : join(
        fileURLToPath(new URL("./results/", import.meta.url)),
        `${startedAt.toISOString().replace(/[:.]/g, "-")}.json`,
      );
  const ratios = Object.fromEntries(
    ENDPOINTS.map((e) => {
      const r = best[`rest-${e}`];
      const t = best[`trpc-${e}`];
      return [e, { rps: ratio(r?.rps, t?.rps), p50: ratio(r?.p50Ms, t?.p50Ms) }];
    }),
  );
  const record = {
    startedAt: startedAt.toISOString(),
    machine,
    loadAverage: { start: loadAtStart, end: loadAtEnd },
    config: { sites: siteCount, page: PAGE, conns, seconds, warmupSeconds, p99LimitMs, ...info },
    best,
    ratiosRestOverTrpc: ratios,
    steps,
  };
  mkdirSync(join(out, ".."), { recursive: true });
  writeFileSync(out, `${JSON.stringify(record, null, 2)}\n`);
  log(`\nwritten to ${out}`);
}
