// Path time series and the incident timeline on rows written directly (path samples and
// path events, as the ingest stores them).
import { afterAll, describe, expect, it } from "vitest";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { addSamples, asOrg, codeOf } from "../../../testkit/factories/overlay";
import { network } from "./network";

afterAll(closeQueues);

describe("path series", () => {
  it("returns the site's samples of the path in the window, oldest first", async () => {
    const n = await network();
    const { o, P } = n;
    await addSamples(o.orgId, [
      ...[50, 40, 30, 20, 10].map((ago, i) => ({
        siteId: n.hq,
        deviceId: n.dHq,
        pathId: P.main,
        ago,
        latencyMs: 10 + i,
        up: i !== 2,
      })),
      { siteId: n.hq, deviceId: n.dHq, pathId: P.main, ago: 3600 }, // outside 15 minutes
      { siteId: n.branch, deviceId: n.dBr, pathId: P.main, ago: 5 }, // the other end
      { siteId: n.hq, deviceId: n.dHq, pathId: P.backup, ago: 5 }, // another path
    ]);
    const series = await o.api.overlay.pathSeries({
      orgSlug: o.slug,
      siteId: n.hq,
      pathId: P.main,
    });
    expect(series.pathId).toBe(P.main);
    expect(series.points.map((p) => [p.latencyMs, p.up])).toEqual([
      [10, true],
      [11, true],
      [12, false],
      [13, true],
      [14, true],
    ]);
    const hour = await o.api.overlay.pathSeries({
      orgSlug: o.slug,
      siteId: n.hq,
      pathId: P.main,
      minutes: 120,
    });
    expect(hour.points).toHaveLength(6);
    expect(
      await o.api.overlay.pathSeries({ orgSlug: o.slug, siteId: n.hq, pathId: "x~y" }),
    ).toEqual({ pathId: "x~y", points: [] });
  });

  it("averages into at most 1,000 buckets when the window holds more samples", async () => {
    const n = await network();
    const { o, P } = n;
    // 1,500 samples half a second apart, alternating 10 and 30 ms; one of them down.
    await asOrg(
      o.orgId,
      (tx) => tx.$executeRaw`
      INSERT INTO path_samples ("orgId", "siteId", "deviceId", "pathId", at, up, "latencyMs", "jitterMs", "lossPct", mos)
      SELECT ${o.orgId}, ${n.hq}, ${n.dHq}, ${P.main}, now() - i * interval '500 milliseconds',
        i <> 700, CASE WHEN i % 2 = 0 THEN 10 ELSE 30 END, 1, 0, 4.2
      FROM generate_series(1, 1500) AS i`,
    );
    const { points } = await o.api.overlay.pathSeries({
      orgSlug: o.slug,
      siteId: n.hq,
      pathId: P.main,
    });
    expect(points.length).toBeGreaterThan(500);
    expect(points.length).toBeLessThanOrEqual(1000);
    const ats = points.map((p) => p.at);
    expect(ats).toEqual([...ats].sort());
    expect(points.filter((p) => p.latencyMs === 20).length).toBeGreaterThan(500);
    expect(points.every((p) => p.latencyMs! >= 10 && p.latencyMs! <= 30)).toBe(true);
    expect(points.filter((p) => !p.up)).toHaveLength(1);
  });
});

describe("incidents", () => {
  async function withEvents(n: Awaited<ReturnType<typeof network>>) {
    const { o, P } = n;
    const event = (
      deviceId: string,
      siteId: string,
      secondsAgo: number,
      kind: string,
      extra = {},
    ) =>
      asOrg(o.orgId, (tx) =>
        tx.pathEvent.create({
          data: {
            orgId: o.orgId,
            siteId,
            deviceId,
            eventId: `ev-${kind}-${secondsAgo}`,
            at: new Date(Date.now() - secondsAgo * 1000),
            kind,
            unit: "class:c1",
            unitName: "voice",
            remoteSiteId: n.branch,
            fromPath: P.main,
            toPath: P.backup,
            reason: `${kind} reason`,
            ...extra,
          },
        }),
      );
    await event(n.dHq, n.hq, 30, "path_down");
    await event(n.dHq, n.hq, 20, "failover");
    await event(n.dHq, n.hq, 10, "failback", { remoteSiteId: null, fromPath: null });
    await event(n.dBr, n.branch, 15, "sla_violation");
  }

  it("lists a site's incidents newest first, pages with the cursor, and the org's", async () => {
    const n = await network();
    await withEvents(n);
    const { o } = n;
    const newest = { order: "desc" } as const;
    const hq = await o.api.overlay.incidents({ orgSlug: o.slug, siteId: n.hq, ...newest });
    expect(hq.items.map((e) => e.kind)).toEqual(["failback", "failover", "path_down"]);
    expect(hq.items[1]).toMatchObject({
      unitName: "voice",
      remoteSite: { id: n.branch, name: "Branch" },
      fromPath: n.P.main,
      toPath: n.P.backup,
      reason: "failover reason",
      device: { id: n.dHq, hostname: "hq-edge" },
    });
    expect(hq.items[0]).toMatchObject({ remoteSite: null, fromPath: null });
    const page = await o.api.overlay.incidents({
      orgSlug: o.slug,
      siteId: n.hq,
      limit: 2,
      ...newest,
    });
    expect(page.items.map((e) => e.kind)).toEqual(["failback", "failover"]);
    const next = await o.api.overlay.incidents({
      orgSlug: o.slug,
      siteId: n.hq,
      limit: 2,
      cursor: page.next!,
      ...newest,
    });
    expect(next).toMatchObject({ items: [{ kind: "path_down" }], next: null });
    const all = await o.api.overlay.incidents({ orgSlug: o.slug, ...newest });
    expect(all.items.map((e) => e.kind)).toEqual([
      "failback",
      "sla_violation",
      "failover",
      "path_down",
    ]);
    const oldest = await o.api.overlay.incidents({
      orgSlug: o.slug,
      siteId: n.hq,
      order: "asc",
    });
    expect(oldest.items.map((e) => e.kind)).toEqual(["path_down", "failover", "failback"]);
  });

  it("refuses bad paging input", async () => {
    const n = await network();
    const { o } = n;
    expect(await codeOf(o.api.overlay.incidents({ orgSlug: o.slug, limit: 0 }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(o.api.overlay.incidents({ orgSlug: o.slug, limit: 501 }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(o.api.overlay.incidents({ orgSlug: o.slug, cursor: "yesterday" }))).toBe(
      "BAD_REQUEST",
    );
    expect(
      await codeOf(
        o.api.overlay.pathSeries({ orgSlug: o.slug, siteId: n.hq, pathId: "a~b", minutes: 1441 }),
      ),
    ).toBe("BAD_REQUEST");
  });
});
