// The series store on real PostgreSQL: the dictionary and idempotent points, row-level
// security through the partitioned parents (partitions closed to the app role), rollups
// with exact values that a re-run leaves as they are, and retention by plan that drops
// whole partitions and deletes per org. Dates are in 2021, which no other test writes.
import { describe, expect, it } from "vitest";
import { PLANS } from "../../server/domains/billing/services/plans";
import { applyRetention } from "../../server/domains/series/services/maintain";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { rollUp } from "../../server/platform/series/maintain";
import { ensurePartitions, partitionsOf } from "../../server/platform/series/partitions";
import { at, pointsOf, rx, seriesOrg, writePoints } from "./lib";

describe("the series store", () => {
  it("names each series once and keeps a redelivered point once", async () => {
    const a = await seriesOrg();
    const b = await seriesOrg();
    const [d] = a.deviceIds as [string];
    const batch = [
      rx(d, at("2021-09-01T10:00:00Z"), 1),
      rx(d, at("2021-09-01T10:00:10Z"), 2),
      {
        ...rx(d, at("2021-09-01T10:00:10Z"), 3),
        metric: "drops_per_second" as const,
        labels: { reason: "syn_flood_drop" },
      },
      // Another org's device in this org's batch writes nothing.
      rx(b.deviceIds[0] as string, at("2021-09-01T10:00:00Z"), 99),
    ];
    await writePoints(a.orgId, batch);
    await writePoints(a.orgId, batch);
    const series = await withScope(getDb(), { orgId: a.orgId }, (tx) =>
      tx.series.findMany({ where: { orgId: a.orgId }, orderBy: { metric: "asc" } }),
    );
    expect(series.map((s) => [s.metric, s.siteId, s.deviceId, s.labels])).toEqual([
      ["drops_per_second", a.siteId, d, '{"reason":"syn_flood_drop"}'],
      ["rx_bits_per_second", a.siteId, d, "{}"],
    ]);
    expect((await pointsOf(a.orgId, "series_points")).map((p) => p.value).sort()).toEqual([
      1, 2, 3,
    ]);
    expect(await pointsOf(b.orgId, "series_points")).toEqual([]);
  });

  it("shows an org only its own rows through the parents; the partitions are closed", async () => {
    const a = await seriesOrg();
    const b = await seriesOrg();
    await ensurePartitions(getDb(), at("2021-09-02T00:00:00Z"), at("2021-09-02T00:00:00Z"));
    // One point in a range partition, one in the default partition (no range for 2021-12-25).
    await writePoints(a.orgId, [
      rx(a.deviceIds[0] as string, at("2021-09-02T01:00:00Z"), 5),
      rx(a.deviceIds[0] as string, at("2021-12-25T01:00:00Z"), 6),
    ]);
    expect(await pointsOf(a.orgId, "series_points")).toHaveLength(2);
    const asB = await withScope(
      getDb(),
      { orgId: b.orgId },
      (tx) =>
        tx.$queryRaw<{ n: number }[]>`
        SELECT (SELECT count(*) FROM series_points)::int + (SELECT count(*) FROM series)::int AS n`,
    );
    expect(asB[0]?.n).toBe(0);
    for (const name of ["series_points_p20210902", "series_points_default"])
      await expect(
        withScope(getDb(), { orgId: a.orgId }, (tx) =>
          tx.$queryRawUnsafe(`SELECT * FROM series_parts.${name}`),
        ),
      ).rejects.toThrow(/permission denied/);
  });

  it("rolls raw points up to minutes and hours, and a re-run gives the same rows", async () => {
    const a = await seriesOrg("HQ", 2);
    const [d1, d2] = a.deviceIds as [string, string];
    await ensurePartitions(getDb(), at("2021-09-03T00:00:00Z"), at("2021-09-03T00:00:00Z"));
    await writePoints(a.orgId, [
      rx(d1, at("2021-09-03T05:00:00Z"), 1),
      rx(d1, at("2021-09-03T05:00:20Z"), 2),
      rx(d1, at("2021-09-03T05:00:40Z"), 3),
      rx(d1, at("2021-09-03T05:00:59.999Z"), 6),
      rx(d1, at("2021-09-03T05:01:00Z"), 10),
      rx(d1, at("2021-09-03T05:59:00Z"), 4),
      rx(d2, at("2021-09-03T05:00:30Z"), 100),
    ]);
    const db = getDb();
    const from = at("2021-09-03T05:00:00Z");
    const to = at("2021-09-03T06:00:00Z");
    await rollUp(db, "1m", from, to);
    await rollUp(db, "1h", from, to);
    const minutes = await pointsOf(a.orgId, "series_points_1m");
    const d1Series = minutes.filter((m) => m.sum !== 100);
    expect(
      d1Series.map((m) => [(m.ts as Date).toISOString(), m.min, m.max, m.sum, m.count]),
    ).toEqual([
      ["2021-09-03T05:00:00.000Z", 1, 6, 12, 4],
      ["2021-09-03T05:01:00.000Z", 10, 10, 10, 1],
      ["2021-09-03T05:59:00.000Z", 4, 4, 4, 1],
    ]);
    const hours = await pointsOf(a.orgId, "series_points_1h");
    expect(hours.map((h) => [(h.ts as Date).toISOString(), h.min, h.max, h.sum, h.count])).toEqual(
      expect.arrayContaining([
        ["2021-09-03T05:00:00.000Z", 1, 10, 26, 6],
        ["2021-09-03T05:00:00.000Z", 100, 100, 100, 1],
      ]),
    );
    await rollUp(db, "1m", from, to);
    await rollUp(db, "1h", from, to);
    expect(await pointsOf(a.orgId, "series_points_1m")).toEqual(minutes);
    expect(await pointsOf(a.orgId, "series_points_1h")).toEqual(hours);
    // A late point is taken in when its window runs again.
    await writePoints(a.orgId, [rx(d1, at("2021-09-03T05:00:50Z"), 0)]);
    await rollUp(db, "1m", from, to);
    const again = await pointsOf(a.orgId, "series_points_1m");
    expect(again.find((m) => m.sum === 12)).toMatchObject({ min: 0, max: 6, count: 5 });
    // The read API's hour view of the site: both devices' averages add up (rates).
    const read = await a.caller.series.query({
      orgSlug: a.slug,
      kind: "site",
      id: a.siteId,
      metric: "rx_bits_per_second",
      from,
      to,
      resolution: "1h",
    });
    expect(read.lines).toEqual([
      { labels: {}, points: [{ at: from, avg: 26 / 6 + 100, min: 101, max: 110 }] },
    ]);
  });

  it("applies retention by plan: whole partitions go, shorter-kept orgs lose their rows", async () => {
    const free = await seriesOrg();
    const standard = await seriesOrg();
    const db = getDb();
    await ensurePartitions(db, at("2021-06-01T00:00:00Z"), at("2021-06-10T00:00:00Z"));
    await ensurePartitions(db, at("2021-04-10T00:00:00Z"), at("2021-04-10T00:00:00Z"));
    const times = ["2021-06-02T06:00:00Z", "2021-06-05T06:00:00Z", "2021-06-09T18:00:00Z"];
    for (const o of [free, standard])
      await writePoints(
        o.orgId,
        times.map((t, i) => rx(o.deviceIds[0] as string, at(t), i)),
      );
    const now = at("2021-06-10T12:00:00Z");
    await applyRetention(db, now, [
      { orgId: free.orgId, retention: PLANS.free.seriesRetention },
      { orgId: standard.orgId, retention: PLANS.standard.seriesRetention },
    ]);
    const raw = (await partitionsOf(db, "series_points")).map((p) => p.name);
    // The longest raw retention of these orgs is 7 days: days that ended before 06-03 12:00 went.
    expect(raw).not.toContain("series_points_p20210601");
    expect(raw).not.toContain("series_points_p20210602");
    expect(raw).toContain("series_points_p20210603");
    const minutes = (await partitionsOf(db, "series_points_1m")).map((p) => p.name);
    expect(minutes).not.toContain("series_points_1m_p20210401");
    expect(minutes).toContain("series_points_1m_p20210601");
    const kept = async (orgId: string) =>
      (await pointsOf(orgId, "series_points")).map((p) => (p.ts as Date).toISOString());
    // Free keeps a day; standard keeps a week (its 06-02 point went with its partition).
    expect(await kept(free.orgId)).toEqual(["2021-06-09T18:00:00.000Z"]);
    expect(await kept(standard.orgId)).toEqual([
      "2021-06-05T06:00:00.000Z",
      "2021-06-09T18:00:00.000Z",
    ]);
  });
});
