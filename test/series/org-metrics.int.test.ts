// The org's Prometheus endpoint over a real HTTP server: its key scrapes its own series in
// the text format (promtool finds nothing to say, and a real Prometheus stores them with
// the hostile site name intact), another org is 404, a key without series.read 403, no key
// 401; another org's series never appear.
import { execFile } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { apiKeyFor, useApiServer } from "../../testkit/api-server";
import { createDeviceRows } from "../../testkit/factories/fleet-db";
import { until } from "../../testkit/wait";
import { promtoolMissing } from "../platform/metrics/deploy";
import { promVector, startPrometheusServer } from "../platform/metrics/prometheus-server";
import { type SeriesOrg, seriesOrg, writePoints } from "./lib";

const api = useApiServer();
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Quotes, a backslash, braces and non-ASCII: what label values must survive. */
const HOSTILE_SITE = 'HQ "main" \\ {site="x"} Zürich';

const scrape = (token: string | null, slug: string) =>
  fetch(`${api.url}/api/v1/orgs/${slug}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

async function orgWithPoints(siteName: string, rx: number) {
  const o = await seriesOrg(siteName);
  const [d] = o.deviceIds as [string];
  const [d2] = await createDeviceRows(o.orgId, o.siteId, [{ hostname: "box-b" }]);
  const now = new Date();
  await writePoints(o.orgId, [
    { deviceId: d, kind: "device", objectId: d, metric: "rx_bits_per_second", ts: now, value: rx },
    {
      deviceId: d2 as string,
      kind: "device",
      objectId: d2 as string,
      metric: "rx_bits_per_second",
      ts: now,
      value: 1,
    },
    {
      deviceId: d,
      kind: "device",
      objectId: d,
      metric: "drops_per_second",
      labels: { reason: "rate_limit_drop" },
      ts: now,
      value: 2,
    },
    { deviceId: d, kind: "path", objectId: "l1~l2", metric: "latency_ms", ts: now, value: 12.5 },
  ]);
  return { ...o, token: await apiKeyFor(o.owner, o.slug), device: d };
}

describe("GET /api/v1/orgs/{org}/metrics", () => {
  let a: SeriesOrg & { token: string; device: string };
  let b: SeriesOrg & { token: string; device: string };

  it("answers the org's latest values in the text format, with names escaped", async () => {
    a = await orgWithPoints(HOSTILE_SITE, 1000);
    b = await orgWithPoints("Other", 7);
    const res = await scrape(a.token, a.slug);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    const site = 'site_name="HQ \\"main\\" \\\\ {site=\\"x\\"} Zürich"';
    expect(text).toContain(
      `patronus_device_rx_bytes_per_second{device="${a.device}",device_name="box-0",site="${a.siteId}",${site}} 125`,
    );
    expect(text).toContain(`patronus_site_rx_bytes_per_second{site="${a.siteId}",${site}} 125.125`);
    expect(text).toContain('reason="rate_limit_drop"} 2');
    expect(text).toMatch(/patronus_path_latency_seconds\{path="l1~l2",.*\} 0\.0125\n/);
    // Nothing of the other org.
    for (const id of [b.orgId, b.siteId, b.device, b.slug]) expect(text).not.toContain(id);
    if (!promtoolMissing()) {
      const child = execFile("promtool", ["check", "metrics"]);
      child.stdin?.end(text);
      const out = await new Promise<{ code: number | null; err: string }>((resolve) => {
        let err = "";
        child.stderr?.on("data", (d) => (err += d));
        child.stdout?.on("data", (d) => (err += d));
        child.on("close", (code) => resolve({ code, err }));
      });
      expect(out).toEqual({ code: 0, err: "" });
    }
  });

  it("is 404 for another org's key, 403 without series.read, 401 without a key", async () => {
    expect((await scrape(a.token, b.slug)).status).toBe(404);
    expect((await scrape(b.token, a.slug)).status).toBe(404);
    expect((await scrape(a.token, `no-such-${a.slug}`)).status).toBe(404);
    const siteOnly = await apiKeyFor(a.owner, a.slug, ["site.read"]);
    const refused = await scrape(siteOnly, a.slug);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    const anonymous = await scrape(null, a.slug);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it.skipIf(promtoolMissing("prometheus"))("is scraped by a real Prometheus", async () => {
    const target = new URL(api.url);
    const prometheus = await startPrometheusServer(
      {
        global: { scrape_interval: "1s", scrape_timeout: "1s" },
        scrape_configs: [
          {
            job_name: "patronus-org",
            metrics_path: `/api/v1/orgs/${a.slug}/metrics`,
            authorization: { credentials: a.token },
            static_configs: [{ targets: [target.host] }],
          },
        ],
      },
      cleanups,
    );
    const found = await until(
      "the org's series in Prometheus",
      async () => {
        const v = await promVector(prometheus.url, "patronus_device_rx_bytes_per_second");
        return v.length === 2 && v;
      },
      { timeoutMs: 60_000, everyMs: 250, seen: prometheus.log },
    );
    const mine = found.find((s) => s.metric.device === a.device);
    expect(mine?.metric.site_name).toBe(HOSTILE_SITE);
    expect(Number(mine?.value[1])).toBe(125);
  });
});
