// Every process's metrics endpoint, for real: tRPC calls through createCaller with real
// contexts, REST calls over HTTP to the route handlers the portal mounts, BullMQ jobs on
// Redis, then a scrape over HTTP, parsed. Label values are names from the code (never an
// org's id), the token is asked for when set, and a Redis that is away or stalled leaves
// the scrape answering with what it has.
import { spawnSync } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerDbPool } from "../../../server/platform/metrics/db";
import { QUEUE_STATES, registerQueueDepth } from "../../../server/platform/metrics/jobs";
import { looksLikeId } from "../../../server/platform/metrics/labels";
import { initProcessMetrics } from "../../../server/platform/metrics/registry";
import { type MetricsServer, startMetricsServer } from "../../../server/platform/metrics/server";
import { createProducerRedis, queuePrefix } from "../../../server/platform/redis";
import { apiOrg, useApiServer } from "../../../testkit/api-server";
import { callerFor, uid } from "../../../testkit/factories/identity";
import { onPath } from "../../../testkit/skip";
import { parseExposition, type Series, seriesOf } from "./exposition";
import { bothJobsEnded, instrumentedQueue } from "./jobs";

const api = useApiServer();
const TOKEN = "metrics-test-token-0123456789";
let open: MetricsServer;
let guarded: MetricsServer;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  initProcessMetrics("test");
  registerDbPool();
  open = await startMetricsServer({ host: "127.0.0.1", port: 0 });
  guarded = await startMetricsServer({ host: "127.0.0.1", port: 0, token: TOKEN });
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await open?.close();
  await guarded?.close();
});

async function scrape(server = open, token?: string) {
  const res = await fetch(server.url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  return { status: res.status, text, series: res.ok ? parseExposition(text) : [] };
}

const count = (all: Series[], name: string, labels: Record<string, string>) =>
  seriesOf(all, name, labels).reduce((n, s) => n + s.value, 0);

describe("metrics endpoint", () => {
  it("counts procedures, routes and jobs with bounded labels, never an org's id", async () => {
    const org = await apiOrg({ sites: 1 });
    const caller = callerFor(org.owner);
    await caller.site.list({ orgSlug: org.slug });
    await expect(caller.site.get({ orgSlug: org.slug, siteId: "missing" })).rejects.toThrow();

    const rest = (path: string, token: string | null) =>
      fetch(`${api.url}/api/v1/orgs/${org.slug}${path}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    expect((await rest("/sites", org.token)).status).toBe(200);
    expect((await rest("/sites/missing", org.token)).status).toBe(404);
    expect((await rest("/sites", null)).status).toBe(401);

    // Jobs on a real queue: one completes, one fails.
    const queueName = `metrics-test-${uid()}`;
    const queue = instrumentedQueue(queueName, cleanups);
    await queue.add("tick", { orgId: org.org.id });
    await queue.add("explode", { orgId: org.org.id }, { attempts: 1 });
    await queue.add("later", {}, { delay: 3_600_000 });
    await bothJobsEnded(queue);

    const { status, text, series } = await scrape();
    expect(status).toBe(200);
    const proc = "patronus_trpc_procedure_duration_seconds_count";
    expect(count(series, proc, { procedure: "site.list", code: "OK" })).toBeGreaterThanOrEqual(2);
    expect(
      count(series, proc, { procedure: "site.get", code: "NOT_FOUND" }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      count(series, "patronus_trpc_procedure_errors_total", {
        procedure: "site.get",
        code: "NOT_FOUND",
      }),
    ).toBeGreaterThanOrEqual(2);
    const route = "patronus_http_request_duration_seconds_count";
    expect(
      count(series, route, { route: "rest", method: "GET", status: "200" }),
    ).toBeGreaterThanOrEqual(1);
    expect(count(series, route, { route: "rest", status: "404" })).toBeGreaterThanOrEqual(1);
    expect(
      count(series, "patronus_http_request_errors_total", { route: "rest", status: "401" }),
    ).toBeGreaterThanOrEqual(1);
    const job = "patronus_job_duration_seconds_count";
    expect(count(series, job, { queue: queueName, job: "tick", result: "completed" })).toBe(1);
    expect(count(series, job, { queue: queueName, job: "explode", result: "failed" })).toBe(1);
    expect(count(series, "patronus_job_failures_total", { queue: queueName, job: "explode" })).toBe(
      1,
    );
    expect(count(series, "patronus_queue_jobs", { queue: queueName, state: "delayed" })).toBe(1);
    expect(count(series, "patronus_queue_depth_up", { queue: queueName })).toBe(1);
    expect(seriesOf(series, "patronus_db_pool_max")[0]?.value).toBeGreaterThanOrEqual(5);
    expect(seriesOf(series, "patronus_db_pool_clients", { state: "idle" })).toHaveLength(1);
    expect(seriesOf(series, "patronus_process_resident_memory_bytes")).toHaveLength(1);
    expect(seriesOf(series, "patronus_nodejs_eventloop_lag_seconds")).toHaveLength(1);

    // No org's id, slug or site id anywhere; no label value shaped like an id.
    for (const secret of [org.org.id, org.slug, org.token]) expect(text).not.toContain(secret);
    for (const s of series)
      for (const [k, v] of Object.entries(s.labels))
        expect(looksLikeId(v), `${s.name} ${k}=${v}`).toBe(false);
  });

  it("asks for the bearer token when one is set", async () => {
    expect((await scrape(guarded)).status).toBe(401);
    expect((await scrape(guarded, "wrong-token-wrong-token")).status).toBe(401);
    expect((await scrape(guarded, `${TOKEN}x`)).status).toBe(401);
    const ok = await scrape(guarded, TOKEN);
    expect(ok.status).toBe(200);
    expect(seriesOf(ok.series, "patronus_process_cpu_user_seconds_total")).toHaveLength(1);
    expect((await fetch(guarded.url.replace("/metrics", "/other"))).status).toBe(404);
  });

  it("answers while Redis is away or stalled, with the queues it could not read at 0", async () => {
    // A port nobody listens on, and a server that accepts connections and never answers.
    const closed = await freePort();
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => {
      sockets.add(s);
      s.on("error", () => {});
    });
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const silentPort = (silent.address() as { port: number }).port;
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          silent.close(() => r());
        }),
    );
    const queues = [closed, silentPort].map((port) => {
      const connection = createProducerRedis(`redis://127.0.0.1:${port}`);
      connection.on("error", () => {});
      const queue = new Queue(`away-${port}`, { connection, prefix: queuePrefix() });
      queue.on("error", () => {});
      cleanups.push(async () => {
        await queue.close().catch(() => {});
        connection.disconnect();
      });
      return queue;
    });
    const byName = new Map(queues.map((q) => [q.name, q]));
    cleanups.push(
      registerQueueDepth(
        queues.map((q) => q.name),
        (name) => (byName.get(name) as Queue).getJobCounts(...QUEUE_STATES),
        300,
      ),
    );
    const { status, series } = await scrape();
    expect(status).toBe(200);
    for (const q of queues) {
      expect(count(series, "patronus_queue_depth_up", { queue: q.name })).toBe(0);
      expect(seriesOf(series, "patronus_queue_jobs", { queue: q.name })).toEqual([]);
    }
    expect(seriesOf(series, "patronus_process_cpu_user_seconds_total")).toHaveLength(1);
  });

  it("passes promtool's check of the exposition format", (ctx) => {
    if (!onPath("promtool")) {
      if (process.getuid?.() !== 0)
        return ctx.skip("promtool is not installed (Debian prometheus; scripts/system-deps.sh)");
      throw new Error("promtool is missing: run scripts/system-deps.sh");
    }
    return scrape().then(({ text }) => {
      const run = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
      const out = `${run.stdout}${run.stderr}`;
      // Parsed; and the only findings are prom-client's own default gauges named *_total
      // (its names, kept as every Node exporter has them).
      expect(out).not.toMatch(/error while linting|parsing error/);
      const findings = out.split("\n").filter(Boolean);
      expect(findings.filter((l) => !PROM_CLIENT_NAMES.some((n) => l.startsWith(`${n} `)))).toEqual(
        [],
      );
      expect([0, 3]).toContain(run.status);
    });
  });
});

const PROM_CLIENT_NAMES = [
  "patronus_nodejs_active_handles_total",
  "patronus_nodejs_active_requests_total",
  "patronus_nodejs_active_resources_total",
];

async function freePort() {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
