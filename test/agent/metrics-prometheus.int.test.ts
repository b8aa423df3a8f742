// The shipped agent rules and dashboard against the endpoint they are for: a real Prometheus
// (Debian's 2.42) scrapes a real agent process (lib/metrics-agent.ts, on a real Mosquitto,
// with the overlay's desired state applied so that paths and links exist) behind its token,
// as the job the rules expect (patronus-agents). It loads
// deploy/prometheus/patronus-agent-rules.yml and reports every rule healthy, the rules'
// joins and arithmetic match the agent's real labels, every query of
// deploy/grafana/patronus-agents.json runs and finds the agent's series, and every metric a
// rule or a panel names is one the agent exposes.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../../testkit/wait";
import {
  AGENT_RULES,
  AGENTS_DASHBOARD,
  concrete,
  dashboardQueries,
  exposedNames,
  promtoolMissing,
  rules,
  rulesPath,
  unexposed,
} from "../platform/metrics/deploy";
import {
  type PrometheusServer,
  promVector,
  rulesEvaluated,
  startPrometheusServer,
} from "../platform/metrics/prometheus-server";
import { TestControlPlane } from "./lib/control";
import { applyOverlay, type MetricsAgent, MetricsAgents } from "./lib/metrics-agent";
import { Mosquitto } from "./lib/mosquitto";

const TOKEN = "agent-scrape-token-0123456789";
/** The job name docs/observability.md gives; PatronusAgentTargetDown watches patronus-agent…. */
const JOB = "patronus-agents";
const skip = promtoolMissing("prometheus");
const cleanups: (() => Promise<unknown> | unknown)[] = [];
let agent: MetricsAgent;
let paths: string[];
let prometheus: PrometheusServer;

beforeAll(async () => {
  if (skip) return;
  const broker = await Mosquitto.create();
  cleanups.push(() => broker.destroy());
  const cp = await TestControlPlane.connect(broker.url);
  cleanups.push(() => cp.close());
  const dir = await mkdtemp(join(tmpdir(), "patronus-agent-prometheus-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const agents = new MetricsAgents({ brokerUrl: broker.url, dir });
  cleanups.push(() => agents.stopAll());
  agent = await agents.start({ token: TOKEN });
  paths = (await applyOverlay(cp, agent, 4)).paths.map((p) => p.id);
  prometheus = await startPrometheusServer(
    {
      // The agent reads its overlay and data plane within 2 s at a scrape.
      global: { scrape_interval: "2s", scrape_timeout: "2s", evaluation_interval: "1s" },
      rule_files: [rulesPath(AGENT_RULES)],
      scrape_configs: [
        {
          job_name: JOB,
          authorization: { credentials: TOKEN },
          static_configs: [{ targets: [agent.target] }],
        },
      ],
    },
    cleanups,
  );
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const vector = (expr: string) => promVector(prometheus.url, expr);
/** Waits until `expr` answers at least `n` series (rates need two scrapes in their window). */
const seriesOf = (expr: string, n = 1) =>
  until(
    `${n}+ series of ${expr}`,
    async () => {
      const v = await vector(expr);
      return v.length >= n && v;
    },
    { timeoutMs: 30_000, everyMs: 250, seen: prometheus.log },
  );

describe.skipIf(skip)("a real Prometheus on the agents' rules and dashboard", () => {
  it("scrapes the agent with its token and stores its paths", async () => {
    await seriesOf(`up{job="${JOB}"} == 1`);
    const latency = await seriesOf(`patronus_agent_path_latency_seconds{job="${JOB}"}`, 3);
    expect(latency.map((s) => s.metric.path).sort()).toEqual([...paths].sort());
    expect(latency.every((s) => s.metric.instance === agent.target)).toBe(true);
  });

  it("loads every rule of patronus-agent-rules.yml and evaluates it without error", async () => {
    const loaded = await rulesEvaluated(prometheus, rules(AGENT_RULES).length);
    expect(loaded.filter((r) => r.health !== "ok" || r.lastError)).toEqual([]);
    // The recordings run over the agent's real counters.
    const recorded = await seriesOf(
      `instance:patronus_agent_dataplane_packets:rate5m{job="${JOB}"}`,
    );
    expect(recorded[0]?.metric.instance).toBe(agent.target);
  });

  it("matches the rules' joins and arithmetic to the agent's real labels", async () => {
    // PatronusAgentPathDown/LossHigh name a path by its path_info, one per path: on the up
    // state (every path here) the same join finds each path's link and remote end.
    const named = await seriesOf(
      `(patronus_agent_path_state{job="${JOB}",state="up"} == 1)
        * on (job, instance, path) group_left (link, remote_site, remote_link) patronus_agent_path_info`,
      3,
    );
    expect(named.find((s) => s.metric.path === "a0~b0")?.metric).toMatchObject({
      link: "fiber",
      remote_site: "site_b",
      remote_link: "fiber",
    });
    // The process alerts keep to agents through patronus_agent_info.
    const rss = await seriesOf(
      `patronus_process_resident_memory_bytes{job="${JOB}"} and on (job, instance) patronus_agent_info`,
    );
    expect(rss).toHaveLength(1);
    // PatronusAgentRevisionBehind subtracts two series of one label set: 4 applied of 4 sent.
    const behind = await seriesOf(
      `patronus_agent_desired_revision{job="${JOB}"} - patronus_agent_applied_revision`,
    );
    expect(behind.map((s) => s.value[1])).toEqual(["0"]);
    // PatronusAgentRestarting counts changes of the start time, which holds still while the
    // process runs (two scrapes at least).
    await seriesOf(`count_over_time(patronus_process_start_time_seconds{job="${JOB}"}[1m]) >= 2`);
    const restarts = await vector(
      `changes(patronus_process_start_time_seconds{job="${JOB}"}[1h]) and on (job, instance) patronus_agent_info`,
    );
    expect(restarts.map((s) => s.value[1])).toEqual(["0"]);
  });

  it("runs every query of the agents' dashboard and finds the agent's series", async () => {
    const queries = dashboardQueries(AGENTS_DASHBOARD);
    expect(queries.length).toBeGreaterThanOrEqual(20);
    // Every panel has something to show of this agent (a refused query throws).
    for (const q of queries) await seriesOf(concrete(q.expr));
  }, 120_000);

  it("names only metrics the agent exposes, in rules and panels", async () => {
    const scrape = await fetch(agent.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scrape.status).toBe(200);
    const { unknown, named } = unexposed(
      AGENT_RULES,
      AGENTS_DASHBOARD,
      exposedNames(await scrape.text()),
    );
    expect(unknown).toEqual([]);
    expect(named).toBeGreaterThan(30);
  });
});
