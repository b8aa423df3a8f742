// The series feeds on real parts: a box enrolled through the enrollment endpoint publishes
// over mTLS to Mosquitto, and the ingest writes its paths report (latency, jitter, loss,
// MOS, state, class placement), its usage (throughput per device and class) and its data
// plane's rates (packets, drops by reason) as points in the same batch as the existing
// tables, which keep being written. The read API returns them; another org gets NOT_FOUND.
import { describe, expect, it } from "vitest";
import { DATAPLANE_TELEMETRY_KIND, topics, USAGE_TELEMETRY_KIND } from "../../protocol";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { Cleanups } from "../../testkit/cleanups";
import { asBox, overlayFleetOrg, pathReport } from "../../testkit/factories/overlay-fleet";
import { createTenant } from "../../testkit/factories/tenant";
import { stackWithControlPlane } from "../../testkit/stack/control-plane";
import { until } from "../../testkit/wait";
import { classReport } from "../billing/usage/lib";

const cleanups = new Cleanups();
const fleet = stackWithControlPlane(cleanups);

const metricsOf = (orgId: string) =>
  withScope(getDb(), { orgId }, async (tx) =>
    (
      await tx.$queryRaw<{ metric: string; labels: string; value: number }[]>`
        SELECT s.metric, s.labels, p.value FROM series s
        JOIN series_points p ON p."seriesId" = s.id AND p."orgId" = s."orgId"
        WHERE s."orgId" = ${orgId} ORDER BY p.ts`
    ).map((r) => ({ ...r, labels: JSON.parse(r.labels) as Record<string, string> })),
  );

describe("series from the fleet channel", () => {
  it("writes path, placement, usage and data-plane points from real messages", async () => {
    const org = await overlayFleetOrg(fleet.stack, cleanups);
    const box = org.boxes[0]!;
    const deviceId = box.identity.deviceId;
    const c = await asBox(fleet.stack, box, cleanups);
    const id = box.identity.identity;

    const report = pathReport(
      [
        { id: "l1~l2", latencyMs: 21 },
        { id: "l3~l2", state: "down" },
      ],
      [
        {
          unit: "class:voice",
          unitName: "Voice",
          remoteSiteId: "site-b",
          pathId: "l1~l2",
          since: new Date().toISOString(),
        },
      ],
    );
    await c.publishAsync(topics.paths(id), JSON.stringify(report), { qos: 1 });
    const epoch = Date.now() - 60_000;
    await c.publishAsync(
      topics.telemetry(id, USAGE_TELEMETRY_KIND),
      JSON.stringify(classReport(1000, 100, epoch, [["web", 10, 1]])),
      { qos: 1 },
    );
    await c.publishAsync(
      topics.telemetry(id, DATAPLANE_TELEMETRY_KIND),
      JSON.stringify({
        v: 1,
        at: new Date().toISOString(),
        metrics: {
          rx_packets_per_second: 1500,
          tx_packets_per_second: 900,
          "drops_per_second.syn_flood_drop": 4,
          "drops_per_second.NOT A REASON": 9,
        },
      }),
      { qos: 1 },
    );
    const points = await until("path and data-plane points", async () => {
      const p = await metricsOf(org.orgId);
      return (
        p.some((x) => x.metric === "latency_ms") &&
        p.some((x) => x.metric === "rx_packets_per_second") &&
        p
      );
    });
    const value = (metric: string, labels: Record<string, string> = {}) =>
      points
        .filter((p) => p.metric === metric && JSON.stringify(p.labels) === JSON.stringify(labels))
        .map((p) => p.value);
    expect(value("latency_ms").sort()).toEqual([12.5, 21]);
    expect(value("up").sort()).toEqual([0, 1]);
    expect(value("mos")).toEqual([4.3, 4.3]);
    expect(value("placement", { path: "l1~l2", remote_site: "site-b" })).toEqual([1]);
    expect(value("rx_packets_per_second")).toEqual([1500]);
    expect(value("drops_per_second", { reason: "syn_flood_drop" })).toEqual([4]);
    expect(points.filter((p) => p.labels.reason === "NOT A REASON")).toEqual([]);
    // The existing table is still written.
    const samples = await withScope(getDb(), { orgId: org.orgId }, (tx) =>
      tx.pathSample.count({ where: { orgId: org.orgId } }),
    );
    expect(samples).toBe(2);

    // A first usage report only sets the cursor; the next one of the same run is a rate.
    // The cursor is aged by ten seconds so that the rate's interval is known.
    await until("the usage cursor", () =>
      withScope(getDb(), { orgId: org.orgId }, (tx) =>
        tx.deviceUsage.findFirst({ where: { orgId: org.orgId } }),
      ),
    );
    await withScope(
      getDb(),
      { orgId: org.orgId },
      (tx) =>
        tx.$executeRaw`UPDATE device_usage SET "updatedAt" = "updatedAt" - interval '10 seconds'
        WHERE "orgId" = ${org.orgId}`,
    );
    await c.publishAsync(
      topics.telemetry(id, USAGE_TELEMETRY_KIND),
      JSON.stringify(classReport(11_000, 600, epoch, [["web", 2010, 1]])),
      { qos: 1 },
    );
    const rates = await until("throughput points", async () => {
      const p = await metricsOf(org.orgId);
      const rx = p.find((x) => x.metric === "rx_bits_per_second");
      const web = p.find((x) => x.metric === "class_rx_bits_per_second");
      return rx && web && { rx: rx.value, web: web.value };
    });
    // 10,000 bytes in a little over 10 s: just under 8,000 bit/s.
    expect(rates.rx).toBeLessThanOrEqual(8000);
    expect(rates.rx).toBeGreaterThan(8000 * (10 / 12));
    expect(rates.web).toBeCloseTo(rates.rx / 5, 6);

    // The read API: the device's packets, the site's throughput, and the path.
    const from = new Date(Date.now() - 10 * 60_000);
    const q = { orgSlug: org.slug, from } as const;
    const packets = await org.caller.series.query({
      ...q,
      kind: "device",
      id: deviceId,
      metric: "rx_packets_per_second",
    });
    expect(packets.resolution).toBe("raw");
    expect(packets.lines[0]?.points[0]).toMatchObject({ avg: 1500, min: 1500, max: 1500 });
    const site = await org.caller.series.query({
      ...q,
      kind: "site",
      id: org.sites[0]!,
      metric: "rx_bits_per_second",
    });
    expect(site.lines[0]?.points[0]?.avg).toBe(rates.rx);
    const path = await org.caller.series.query({
      ...q,
      kind: "path",
      id: "l1~l2",
      metric: "latency_ms",
    });
    expect(path.lines[0]?.points.map((p) => p.avg)).toEqual([21]);

    // Another org: NOT_FOUND for this org's objects, nothing in its scope.
    const other = await createTenant();
    for (const [kind, objectId] of [
      ["device", deviceId],
      ["site", org.sites[0]!],
      ["path", "l1~l2"],
    ] as const)
      await expect(
        other.caller.series.query({
          orgSlug: other.slug,
          from,
          kind,
          id: objectId,
          metric: "latency_ms",
        }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      other.caller.series.query({
        orgSlug: org.slug,
        from,
        kind: "device",
        id: deviceId,
        metric: "latency_ms",
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await metricsOf(other.orgId)).toEqual([]);
  });
});
