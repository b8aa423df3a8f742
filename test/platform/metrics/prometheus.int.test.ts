// A real Prometheus (Debian's 2.42) scrapes a real metrics endpoint in this process, behind
// its bearer token, after real tRPC and REST calls and BullMQ jobs; it loads the platform's
// rules (deploy/prometheus/patronus-rules.yml) and reports them healthy, and runs every query
// of the platform's dashboard (deploy/grafana/patronus-platform.json): Prometheus refuses a
// query that does not parse. Every metric a rule or a panel names is one the endpoint
// exposes (a typo fails here). The agents' rules and dashboard are checked the same way
// against a real agent: test/agent/metrics-prometheus.int.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerDbPool } from "../../../server/platform/metrics/db";
import {
  brokerConnections,
  brokerConnects,
  brokerMessages,
  brokerRejections,
  compileDuration,
  ingestMessages,
  ingestQuarantined,
  ingestRefused,
  ingestWritten,
  observeRolloutEnd,
} from "../../../server/platform/metrics/fleet";
import { initProcessMetrics } from "../../../server/platform/metrics/registry";
import { type MetricsServer, startMetricsServer } from "../../../server/platform/metrics/server";
import { apiOrg, useApiServer } from "../../../testkit/api-server";
import { callerFor, uid } from "../../../testkit/factories/identity";
import { until } from "../../../testkit/wait";
import {
  concrete,
  dashboardQueries,
  exposedNames,
  PLATFORM_DASHBOARD,
  PLATFORM_RULES,
  promtoolMissing,
  rules,
  rulesPath,
  unexposed,
} from "./deploy";
import { bothJobsEnded, instrumentedQueue } from "./jobs";
import {
  type PrometheusServer,
  promQuery,
  promVector,
  rulesEvaluated,
  startPrometheusServer,
} from "./prometheus-server";

const api = useApiServer();
const TOKEN = "prometheus-test-token-0123456789";
const JOB = "patronus";
const skip = promtoolMissing("prometheus");
const cleanups: (() => Promise<unknown> | unknown)[] = [];
let endpoint: MetricsServer;
let prometheus: PrometheusServer;

beforeAll(async () => {
  if (skip) return;
  initProcessMetrics("test");
  registerDbPool();
  endpoint = await startMetricsServer({ host: "127.0.0.1", port: 0, token: TOKEN });
  cleanups.push(() => endpoint.close());
  await realTraffic();
  prometheus = await startPrometheus(endpoint.port);
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** tRPC and REST calls and jobs, so the scrape has the portal's and workers' series. */
async function realTraffic() {
  const org = await apiOrg({ sites: 1 });
  const caller = callerFor(org.owner);
  await caller.site.list({ orgSlug: org.slug });
  await expect(caller.site.get({ orgSlug: org.slug, siteId: "missing" })).rejects.toThrow();
  const rest = (path: string) =>
    fetch(`${api.url}/api/v1/orgs/${org.slug}${path}`, {
      headers: { authorization: `Bearer ${org.token}` },
    });
  expect((await rest("/sites")).status).toBe(200);
  expect((await rest("/sites/missing")).status).toBe(404);

  const queueName = `prometheus-test-${uid()}`;
  const queue = instrumentedQueue(queueName, cleanups);
  await queue.add("tick", {});
  await queue.add("explode", {}, { attempts: 1 });
  await bothJobsEnded(queue);

  // The fleet process's and the ingest's metrics, as their code defines them (a broker and
  // an ingest are beyond this test): defined, so the scrape names them.
  for (const define of [
    brokerConnections,
    brokerConnects,
    brokerMessages,
    brokerRejections,
    compileDuration,
    ingestMessages,
    ingestRefused,
    ingestQuarantined,
    ingestWritten,
  ])
    define();
  observeRolloutEnd("completed", {
    startedAt: new Date(Date.now() - 1000),
    finishedAt: new Date(),
  });
}

/** Prometheus scraping the metrics endpoint with its token, with the platform's rules. */
function startPrometheus(target: number) {
  return startPrometheusServer(
    {
      // A scrape reads Redis (up to 1 s a queue): a timeout above that, for a loaded machine
      // (Prometheus wants the timeout no longer than the interval).
      global: { scrape_interval: "2s", scrape_timeout: "2s", evaluation_interval: "1s" },
      rule_files: [rulesPath(PLATFORM_RULES)],
      scrape_configs: [
        {
          job_name: JOB,
          authorization: { credentials: TOKEN },
          static_configs: [{ targets: [`127.0.0.1:${target}`] }],
        },
      ],
    },
    cleanups,
  );
}

const query = (expr: string) => promQuery(prometheus.url, expr);
const vector = (expr: string) => promVector(prometheus.url, expr);

describe.skipIf(skip)("a real Prometheus on the platform's rules and dashboard", () => {
  it("scrapes the endpoint with its token and stores the patronus series", async () => {
    await until(
      `up{job="${JOB}"} == 1`,
      async () => (await vector(`up{job="${JOB}"} == 1`)).length,
      {
        timeoutMs: 60_000,
        everyMs: 250,
        seen: async () => ({ up: await vector(`up{job="${JOB}"}`), log: prometheus.log() }),
      },
    );
    const memory = await vector(`patronus_process_resident_memory_bytes{job="${JOB}"}`);
    expect(memory).toHaveLength(1);
    expect(memory[0]?.metric.process).toBe("test");
    expect(Number(memory[0]?.value[1])).toBeGreaterThan(0);
    const calls = await vector(
      `sum(patronus_trpc_procedure_duration_seconds_count{job="${JOB}",procedure="site.list"})`,
    );
    expect(Number(calls[0]?.value[1])).toBeGreaterThanOrEqual(1);
  });

  it("loads every rule of patronus-rules.yml and evaluates it without error", async () => {
    const loaded = await rulesEvaluated(prometheus, rules(PLATFORM_RULES).length);
    expect(loaded.filter((r) => r.health !== "ok" || r.lastError)).toEqual([]);
    // The recordings run over the scraped series: site.list's calls are recorded per procedure.
    await until(
      "a recorded series of site.list",
      async () =>
        (await vector('procedure:patronus_trpc_calls:rate5m{procedure="site.list"}')).length,
      { timeoutMs: 60_000, everyMs: 250, seen: prometheus.log },
    );
  });

  it("runs every query of the platform's dashboard", async () => {
    const queries = dashboardQueries(PLATFORM_DASHBOARD);
    expect(queries.length).toBeGreaterThan(0);
    const refused: string[] = [];
    for (const q of queries) {
      const answer = await query(concrete(q.expr));
      if (answer.status !== "success") refused.push(`${q.where}: ${q.expr}: ${answer.error}`);
    }
    expect(refused).toEqual([]);
    // And Prometheus does refuse what does not parse.
    expect((await query("sum by (route (rate(patronus_up[1m]))")).status).toBe("error");
  });

  it("names only metrics the endpoint exposes, in rules and panels", async () => {
    const scrape = await fetch(endpoint.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    const { unknown, named } = unexposed(
      PLATFORM_RULES,
      PLATFORM_DASHBOARD,
      exposedNames(await scrape.text()),
    );
    expect(unknown).toEqual([]);
    // The check reads names at all.
    expect(named).toBeGreaterThan(30);
  });
});
