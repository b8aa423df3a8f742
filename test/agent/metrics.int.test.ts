// The agent's Prometheus endpoint on a real agent process (fixtures/metrics-agent.ts: the
// endpoint started from a real config file as `patronus-agent run` does) against a real
// Mosquitto: after a desired state with an overlay, a scrape shows the revisions, apply
// outcomes, every path's window, the links, the data plane's counters and the process's
// own figures, and promtool finds nothing to say. A token is asked for when set; an
// address off loopback without one is refused before anything runs.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { until } from "../../testkit/wait";
import { promtoolCheckMetrics, promtoolMissing } from "../platform/metrics/deploy";
import { cli } from "./lib/cli";
import { TestControlPlane } from "./lib/control";
import { applyOverlay, MetricsAgents } from "./lib/metrics-agent";
import { Mosquitto } from "./lib/mosquitto";

const TOKEN = "scrape-token-0123456789";

let broker: Mosquitto;
let cp: TestControlPlane;
let dir: string;
let agents: MetricsAgents;

beforeAll(async () => {
  broker = await Mosquitto.create();
  cp = await TestControlPlane.connect(broker.url);
  dir = await mkdtemp(join(tmpdir(), "patronus-agent-metrics-"));
  agents = new MetricsAgents({ brokerUrl: broker.url, dir });
});

afterEach(async () => {
  await agents?.stopAll();
});

afterAll(async () => {
  await cp?.close();
  await broker?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const scrape = (url: string, token?: string) =>
  fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(10_000),
  });

/** The sample value of `name{labels}` (labels as written, in order), or undefined. */
function value(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("the agent's metrics endpoint", () => {
  it("shows the agent, its paths, links, data plane and process; promtool accepts it", async (ctx) => {
    const a = await agents.start();
    const overlay = await applyOverlay(cp, a, 4);
    const paths = overlay.paths.map((p) => p.id);
    // Every path measured (the simulated overlay's probe windows fill within seconds).
    const text = await until(
      "every path's latency in a scrape",
      async () => {
        const t = await (await scrape(a.url)).text();
        return (
          paths.every(
            (p) => value(t, `patronus_agent_path_latency_seconds{path="${p}"}`) !== undefined,
          ) && t
        );
      },
      { timeoutMs: 30_000 },
    );
    expect(value(text, "patronus_agent_connected")).toBe(1);
    expect(value(text, "patronus_agent_desired_revision")).toBe(4);
    expect(value(text, "patronus_agent_applied_revision")).toBe(4);
    expect(value(text, 'patronus_agent_apply_outcomes_total{status="applied"}')).toBe(1);
    expect(value(text, 'patronus_agent_apply_outcomes_total{status="rolled_back"}')).toBe(0);
    expect(value(text, "patronus_agent_last_apply_duration_seconds")).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^patronus_agent_info\{version="[^"]+",capability_version="\d+"\} 1$/m);
    for (const p of paths) {
      expect(value(text, `patronus_agent_path_state{path="${p}",state="up"}`)).toBe(1);
      expect(value(text, `patronus_agent_path_jitter_seconds{path="${p}"}`)).toBeGreaterThanOrEqual(
        0,
      );
      expect(value(text, `patronus_agent_path_loss_ratio{path="${p}"}`)).toBeLessThanOrEqual(1);
      expect(value(text, `patronus_agent_path_mos{path="${p}"}`)).toBeGreaterThan(1);
    }
    expect(text).toContain(
      'patronus_agent_path_info{path="a0~b0",link="fiber",remote_site="site_b",remote_link="fiber"} 1',
    );
    expect(value(text, 'patronus_agent_link_up{link="fiber"}')).toBe(1);
    expect(value(text, 'patronus_agent_link_up{link="lte"}')).toBe(1);
    expect(value(text, 'patronus_agent_path_events_total{kind="initial"}')).toBeGreaterThan(0);
    expect(value(text, 'patronus_agent_path_events_total{kind="failover"}')).toBe(0);
    expect(
      value(text, 'patronus_agent_dataplane_packets_total{reason="default_deny",verdict="drop"}'),
    ).toBe(7);
    expect(
      value(text, 'patronus_agent_dataplane_packets_total{reason="policy_allow",verdict="pass"}'),
    ).toBe(1200);
    expect(
      value(text, 'patronus_agent_dataplane_class_bytes_total{class="Voice",direction="rx"}'),
    ).toBe(4096);
    expect(
      value(text, 'patronus_agent_dataplane_class_bytes_total{class="other",direction="tx"}'),
    ).toBe(21);
    expect(value(text, 'patronus_agent_metrics_source_up{source="overlay"}')).toBe(1);
    expect(value(text, "patronus_process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(value(text, "patronus_process_cpu_seconds_total")).toBeGreaterThan(0);
    // Bounded labels: no org, device or identity anywhere.
    for (const id of [a.identity, a.deviceId, a.orgId]) expect(text).not.toContain(id);

    const skip = promtoolMissing();
    if (skip) return ctx.skip(skip);
    expect(promtoolCheckMetrics(text)).toEqual({ code: 0, out: "" });
  });

  it("asks for the token when one is set, in constant time, and serves only GET /metrics", async () => {
    const a = await agents.start({ token: TOKEN });
    const none = await scrape(a.url);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    expect((await scrape(a.url, `${TOKEN}x`)).status).toBe(401);
    const ok = await scrape(a.url, TOKEN);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await ok.text()).toContain("patronus_agent_connected 1");
    expect((await fetch(a.url.replace("/metrics", "/other"))).status).toBe(404);
    expect(
      (await fetch(a.url, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } }))
        .status,
    ).toBe(405);
  });

  it("refuses to start with an address off loopback and no token (patronus-agent run)", async () => {
    const config = await agents.configFile("open", { host: "0.0.0.0", port: 9470 });
    const r = await cli(["run", "--config", config], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("metrics.token: an address off loopback needs a token");
  });
});
