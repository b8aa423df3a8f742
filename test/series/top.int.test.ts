// series.top ("top talkers") on real PostgreSQL: sites, devices and classes ranked by the
// traffic of their minute rollups (average rate × step), scoped to a site, with points per
// step for charts; another org's site is NOT_FOUND and its series are never counted. Dates
// are in March 2022, which no other test writes.
import { describe, expect, it } from "vitest";
import { getDb } from "../../server/platform/db/client";
import { rollUp } from "../../server/platform/series/maintain";
import type { SeriesPointInput } from "../../server/platform/series/write";
import { createDeviceRows } from "../../testkit/factories/fleet-db";
import { at, seriesOrg, writePoints } from "./lib";

const m0 = at("2022-03-07T10:00:00Z");
const m1 = at("2022-03-07T10:01:00Z");
const plus = (d: Date, s: number) => new Date(d.getTime() + s * 1000);
const window = { from: m0, to: plus(m1, 60), resolution: "1m" } as const;

const rate = (
  deviceId: string,
  ts: Date,
  rx: number,
  tx: number,
  cls?: string,
): SeriesPointInput[] => {
  const base = { deviceId, kind: cls ? "class" : "device", objectId: cls ?? deviceId, ts } as const;
  const pre = cls ? "class_" : "";
  return [
    { ...base, metric: `${pre}rx_bits_per_second`, value: rx },
    { ...base, metric: `${pre}tx_bits_per_second`, value: tx },
  ];
};

async function fleet() {
  const o = await seriesOrg("HQ", 2);
  const [d0, d1] = o.deviceIds as [string, string];
  const branch = await o.caller.site.create({ orgSlug: o.slug, name: "Branch" });
  const [d2] = (await createDeviceRows(o.orgId, branch.id, [{ hostname: "branch-box" }])) as [
    string,
  ];
  await writePoints(o.orgId, [
    ...rate(d0, m0, 1000, 500),
    ...rate(d0, plus(m0, 30), 1000, 500),
    ...rate(d1, plus(m0, 10), 3000, 0),
    ...rate(d2, m1, 100, 0),
    ...rate(d0, m0, 800, 0, "web"),
    ...rate(d0, m0, 100, 20, "voip"),
    ...rate(d2, m1, 50, 0, "web"),
  ]);
  await rollUp(getDb(), "1m", m0, plus(m1, 60));
  return { ...o, d0, d1, d2, branchId: branch.id };
}

describe("series.top", () => {
  it("ranks sites, a site's devices and its classes by traffic, with points on request", async () => {
    const o = await fleet();
    const q = { orgSlug: o.slug, ...window };

    const sites = await o.caller.series.top({ ...q, by: "site" });
    expect(sites).toMatchObject({ resolution: "1m", stepSeconds: 60 });
    expect(sites.items.map(({ points: _, ...i }) => i)).toEqual([
      { id: o.siteId, name: "HQ", rxBits: 60 * 4000, txBits: 60 * 500 },
      { id: o.branchId, name: "Branch", rxBits: 60 * 100, txBits: 0 },
    ]);
    expect(sites.items[0]?.points).toEqual([]);

    const devices = await o.caller.series.top({ ...q, by: "device", siteId: o.siteId });
    expect(devices.items.map((i) => [i.name, i.rxBits + i.txBits])).toEqual([
      ["box-1", 60 * 3000],
      ["box-0", 60 * 1500],
    ]);

    const classes = await o.caller.series.top({
      ...q,
      by: "class",
      siteId: o.siteId,
      view: "points",
    });
    expect(classes.items.map((i) => [i.id, i.rxBits, i.txBits, i.points])).toEqual([
      ["web", 60 * 800, 0, [{ at: m0, rx: 800, tx: 0 }]],
      ["voip", 60 * 100, 60 * 20, [{ at: m0, rx: 100, tx: 20 }]],
    ]);
    // Across the org, the branch's web traffic adds to HQ's, each in its own step.
    const orgClasses = await o.caller.series.top({ ...q, by: "class", view: "points", limit: 1 });
    expect(orgClasses.items).toEqual([
      {
        id: "web",
        name: "web",
        rxBits: 60 * 850,
        txBits: 0,
        points: [
          { at: m0, rx: 800, tx: 0 },
          { at: m1, rx: 50, tx: 0 },
        ],
      },
    ]);
    // A site's points add up its devices per step.
    const hq = await o.caller.series.top({ ...q, by: "site", siteId: o.siteId, view: "points" });
    expect(hq.items[0]?.points).toEqual([{ at: m0, rx: 4000, tx: 500 }]);
  });

  it("never reads finer than minutes, and refuses a window it cannot answer", async () => {
    const o = await seriesOrg();
    const now = new Date();
    const auto = await o.caller.series.top({
      orgSlug: o.slug,
      by: "device",
      from: new Date(now.getTime() - 3_600_000),
    });
    expect(auto).toMatchObject({ resolution: "1m", items: [] });
    await expect(
      o.caller.series.top({ orgSlug: o.slug, by: "site", from: m1, to: m0 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      o.caller.series.top({
        orgSlug: o.slug,
        by: "site",
        from: m0,
        to: plus(m0, 30 * 86_400),
        resolution: "1m",
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("keeps to the caller's org: another org's site is NOT_FOUND, its traffic never counted", async () => {
    const a = await fleet();
    const b = await seriesOrg();
    await expect(
      b.caller.series.top({ orgSlug: b.slug, ...window, by: "device", siteId: a.siteId }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    for (const by of ["site", "device", "class"] as const)
      expect((await b.caller.series.top({ orgSlug: b.slug, ...window, by })).items).toEqual([]);
    await expect(
      b.caller.series.top({ orgSlug: a.slug, ...window, by: "site" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
