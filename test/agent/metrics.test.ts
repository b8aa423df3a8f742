// The agent's metrics, pure parts: the exposition writer (protocol/exposition.ts), what the
// endpoint says from a reading (metrics/families.ts), the config's `metrics` section, and
// the endpoint's refusal of an address off loopback without a token.
import { describe, expect, it } from "vitest";
import { ConfigError, isLoopback, parseConfig } from "../../edge-agent/src/agent/config";
import { startMetricsEndpoint } from "../../edge-agent/src/agent/metrics";
import { type MetricsReading, metricFamilies } from "../../edge-agent/src/agent/metrics/families";
import { overlayConfig } from "../../edge-agent/src/agent/overlay/test-fixtures";
import { exposition } from "../../protocol";
import { promtoolCheckMetrics, promtoolMissing } from "../platform/metrics/deploy";

describe("exposition writer", () => {
  it("escapes label values and help, writes bigints whole, keeps the first of duplicate series", () => {
    const text = exposition([
      {
        name: "x_total",
        type: "counter",
        help: "a \\ help\nline",
        samples: [
          { labels: { name: 'HQ "main" \\ {site="x"}\nZürich' }, value: 2n ** 64n },
          { labels: { name: "b" }, value: 1 },
          { labels: { name: "b" }, value: 2 },
        ],
      },
      { name: "empty", type: "gauge", help: "none yet", samples: [] },
      { name: "nan", type: "gauge", help: "n", samples: [{ value: Number.NaN }] },
    ]);
    expect(text).toBe(
      [
        "# HELP x_total a \\\\ help\\nline",
        "# TYPE x_total counter",
        'x_total{name="HQ \\"main\\" \\\\ {site=\\"x\\"}\\nZürich"} 18446744073709551616',
        'x_total{name="b"} 1',
        "# HELP empty none yet",
        "# TYPE empty gauge",
        "# HELP nan n",
        "# TYPE nan gauge",
        "nan NaN",
        "",
      ].join("\n"),
    );
  });

  it("refuses bad metric and label names, and a family written twice", () => {
    const f = (name: string, labels = {}) => ({
      name,
      type: "gauge" as const,
      help: "h",
      samples: [{ labels, value: 1 }],
    });
    expect(() => exposition([f("bad-name")])).toThrow(/bad metric name/);
    expect(() => exposition([f("ok", { "bad-label": "x" })])).toThrow(/bad label name/);
    expect(() => exposition([f("ok", { __reserved: "x" })])).toThrow(/bad label name/);
    expect(() => exposition([f("ok"), f("ok")])).toThrow(/written twice/);
  });
});

const overlay = overlayConfig();
const reading = (over: Partial<MetricsReading> = {}): MetricsReading => ({
  version: "9.9.9",
  capabilityVersion: 2,
  agent: {
    identity: "org1.dev1",
    deviceId: "dev1",
    connected: true,
    revision: 7,
    hash: "h",
    status: "applied",
    error: null,
    appliesTotal: 3,
    applyFailuresTotal: 1,
    reconnectsTotal: 2,
    uptimeSeconds: 60,
    desiredRevision: 8,
    outcomes: { applied: 3, rejected: 1, rolled_back: 1, failed: 0 },
    lastApplySeconds: 0.125,
    appliedAt: "2026-12-01T00:00:00.000Z",
  },
  process: {
    cpuUserSeconds: 1.5,
    cpuSystemSeconds: 0.5,
    residentBytes: 50e6,
    heapUsedBytes: 10e6,
    heapTotalBytes: 20e6,
    startTimeSeconds: 1_790_000_000,
  },
  overlay: {
    config: overlay,
    report: {
      v: 1,
      at: "2026-12-01T00:00:00.000Z",
      paths: [
        {
          id: "a0~b0",
          state: "up",
          latencyMs: 12.5,
          jitterMs: 1.5,
          lossPct: 2,
          mos: 4.3,
          probesSent: 30,
          probesLost: 0,
          txBytes: 100,
          rxBytes: 200,
        },
        {
          id: "a1~b1",
          state: "down",
          latencyMs: null,
          jitterMs: null,
          lossPct: 100,
          mos: null,
          probesSent: 30,
          probesLost: 30,
        },
      ],
      selection: [],
    },
    events: {
      initial: 3,
      failover: 2,
      failback: 1,
      path_down: 1,
      path_up: 0,
      sla_violation: 0,
      sla_ok: 0,
    },
  },
  dataplane: {
    reasons: { policy_allow: 5n, policy_deny: 2n, syn_flood_drop: 1n },
    apps: new Map([
      [1, { rx: 10n, tx: 20n, rxPackets: 1n, txPackets: 1n }],
      [2, { rx: 1n, tx: 1n, rxPackets: 1n, txPackets: 1n }],
      [0, { rx: 5n, tx: 5n, rxPackets: 1n, txPackets: 1n }],
      [99, { rx: 1n, tx: 1n, rxPackets: 1n, txPackets: 1n }],
    ]),
  },
  classNames: new Map(overlay.classes.map((c) => [c.id, c.name])),
  ...over,
});

const sample = (text: string, series: string) =>
  text
    .split("\n")
    .find((l) => l.startsWith(`${series} `))
    ?.slice(series.length + 1);

describe("agent metric families", () => {
  const text = exposition(metricFamilies(reading()));

  it("shows revisions, outcomes, the last apply and the release", () => {
    expect(sample(text, "patronus_agent_desired_revision")).toBe("8");
    expect(sample(text, "patronus_agent_applied_revision")).toBe("7");
    expect(sample(text, 'patronus_agent_apply_outcomes_total{status="rolled_back"}')).toBe("1");
    expect(sample(text, "patronus_agent_last_apply_duration_seconds")).toBe("0.125");
    expect(sample(text, "patronus_agent_last_applied_timestamp_seconds")).toBe("1796083200");
    expect(sample(text, 'patronus_agent_info{version="9.9.9",capability_version="2"}')).toBe("1");
    expect(sample(text, "patronus_agent_reconnects_total")).toBe("2");
  });

  it("shows paths in base units, leaves out what was not measured, and links by their paths", () => {
    expect(sample(text, 'patronus_agent_path_latency_seconds{path="a0~b0"}')).toBe("0.0125");
    expect(sample(text, 'patronus_agent_path_loss_ratio{path="a0~b0"}')).toBe("0.02");
    expect(sample(text, 'patronus_agent_path_latency_seconds{path="a1~b1"}')).toBeUndefined();
    expect(sample(text, 'patronus_agent_path_loss_ratio{path="a1~b1"}')).toBe("1");
    expect(sample(text, 'patronus_agent_path_state{path="a1~b1",state="down"}')).toBe("1");
    expect(sample(text, 'patronus_agent_path_state{path="a1~b1",state="up"}')).toBe("0");
    // Not in the report: unknown.
    expect(sample(text, 'patronus_agent_path_state{path="a0~h0",state="unknown"}')).toBe("1");
    expect(
      sample(text, 'patronus_agent_path_tunnel_bytes_total{path="a0~b0",direction="rx"}'),
    ).toBe("200");
    expect(sample(text, 'patronus_agent_path_events_total{kind="failover"}')).toBe("2");
    expect(sample(text, 'patronus_agent_link_up{link="fiber"}')).toBe("1");
    expect(sample(text, 'patronus_agent_link_up{link="lte"}')).toBe("0");
  });

  it("shows drops by reason and bytes per class name (unknown ids as other)", () => {
    expect(
      sample(text, 'patronus_agent_dataplane_packets_total{reason="policy_deny",verdict="drop"}'),
    ).toBe("2");
    expect(
      sample(
        text,
        'patronus_agent_dataplane_packets_total{reason="syn_flood_drop",verdict="drop"}',
      ),
    ).toBe("1");
    expect(
      sample(text, 'patronus_agent_dataplane_packets_total{reason="policy_allow",verdict="pass"}'),
    ).toBe("5");
    expect(
      sample(text, 'patronus_agent_dataplane_class_bytes_total{class="Voice",direction="tx"}'),
    ).toBe("20");
    expect(
      sample(text, 'patronus_agent_dataplane_class_bytes_total{class="other",direction="rx"}'),
    ).toBe("6");
    expect(sample(text, 'patronus_agent_metrics_source_up{source="dataplane"}')).toBe("1");
  });

  it("marks a source that did not answer and leaves its series out", () => {
    const t = exposition(
      metricFamilies(
        reading({
          dataplane: null,
          overlay: { ...reading().overlay!, report: null },
        }),
      ),
    );
    expect(sample(t, 'patronus_agent_metrics_source_up{source="overlay"}')).toBe("0");
    expect(sample(t, 'patronus_agent_metrics_source_up{source="dataplane"}')).toBe("0");
    expect(t).not.toMatch(/^patronus_agent_path_state\{/m);
    expect(t).not.toMatch(/^patronus_agent_link_up\{/m);
    expect(t).not.toMatch(/^patronus_agent_dataplane_packets_total\{/m);
    // A box without an overlay or data-plane counters says nothing of them.
    const bare = exposition(metricFamilies(reading({ overlay: undefined, dataplane: undefined })));
    expect(bare).not.toContain("patronus_agent_path_");
    expect(bare).not.toContain("patronus_agent_dataplane_");
  });

  it("never names the org or the device, and promtool accepts it", (ctx) => {
    expect(text).not.toContain("org1");
    expect(text).not.toContain("dev1");
    const skip = promtoolMissing();
    if (skip) return ctx.skip(skip);
    expect(promtoolCheckMetrics(text)).toEqual({ code: 0, out: "" });
  });
});

describe("metrics config", () => {
  const base = { portalUrl: "https://p.example" };
  it("is off by default, on loopback", () => {
    expect(parseConfig(base).metrics).toEqual({ host: "127.0.0.1", port: 0 });
    expect(parseConfig({ ...base, metrics: { host: "::1", port: 9470 } }).metrics.port).toBe(9470);
  });

  it("takes an address off loopback only with a token", () => {
    const token = "0123456789abcdef-token";
    expect(
      parseConfig({ ...base, metrics: { host: "0.0.0.0", port: 9470, token } }).metrics,
    ).toEqual({ host: "0.0.0.0", port: 9470, token });
    // Off (port 0) needs nothing.
    expect(parseConfig({ ...base, metrics: { host: "10.0.0.1" } }).metrics.port).toBe(0);
  });

  it.each([
    [{ host: "0.0.0.0", port: 9470 }, /metrics\.token: an address off loopback needs a token/],
    [{ host: "192.168.1.10", port: 9470 }, /metrics\.token: an address off loopback needs a token/],
    [{ host: "localhost", port: 9470 }, /metrics\.host: must be an IP address/],
    [{ port: 70000 }, /metrics\.port/],
    [{ port: 9470, token: "short" }, /metrics\.token: must be 16 to 256 printable/],
    [{ port: 9470, token: "has a space in it ok?" }, /metrics\.token: must be 16 to 256 printable/],
    [{ port: 9470, extra: 1 }, /metrics: Unrecognized key/],
  ])("refuses %j", (metrics, message) => {
    expect(() => parseConfig({ ...base, metrics }, "agent.json")).toThrow(ConfigError);
    expect(() => parseConfig({ ...base, metrics }, "agent.json")).toThrow(message);
  });

  it("knows loopback addresses", () => {
    expect(["127.0.0.1", "127.1.2.3", "::1"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "::", "10.0.0.1", "::ffff:127.0.0.1"].some(isLoopback)).toBe(false);
  });
});

describe("metrics endpoint", () => {
  it("refuses to bind off loopback without a token", async () => {
    await expect(
      startMetricsEndpoint({ host: "0.0.0.0", port: 0 }, async () => ""),
    ).rejects.toThrow(/0\.0\.0\.0 is not loopback; set metrics\.token/);
  });
});
