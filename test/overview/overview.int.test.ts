// The org overview's figures, from what devices report through the real ingest: sites in
// each state, devices out of sync and offline, active incidents, paths failing their SLA,
// throughput per window; plan and recent changes by role; another org's caller NOT_FOUND.
import { afterAll, describe, expect, it } from "vitest";
import { evaluateOrg } from "../../server/domains/alerting";
import { pathIdOf } from "../../server/domains/overlay/services/paths";
import { getDb } from "../../server/platform/db/client";
import { closeQueues } from "../../server/platform/jobs/queues";
import { addMember, callerFor, createOrgWithOwner } from "../../testkit/factories/identity";
import { addDevice, asOrg, linkInput, overlayOrg } from "../../testkit/factories/overlay";
import {
  reportApplied,
  reportClassUsage,
  reportEvents,
  reportOnline,
  reportPaths,
  reportUsage,
} from "./lib";

afterAll(closeQueues);

/** Five sites, one link each (E: none, and no device): A up, B degraded by a path, C by an
 * offline second box, D down, E pending. */
async function demoFleet() {
  const o = await overlayOrg(["A", "B", "C", "D", "E"]);
  const [a, b, c, d] = o.siteIds as [string, string, string, string];
  const links: string[] = [];
  for (const [i, site] of [a, b, c, d].entries()) {
    const input = linkInput(site, "fiber", "eth0", `198.51.100.${10 + i}`);
    links.push((await o.api.overlay.links.create({ orgSlug: o.slug, ...input })).id);
  }
  const [la, lb, lc] = links as [string, string, string];
  const box = async (site: string, online: boolean) => {
    const dev = await addDevice(o.orgId, site, { online: false });
    if (online) await reportOnline(o.orgId, dev.id);
    return dev;
  };
  const devices = {
    a: await box(a, true),
    b: await box(b, true),
    c1: await box(c, true),
    c2: await box(c, false),
    d: await box(d, false),
  };
  await reportPaths(o.orgId, devices.a.id, [{ id: pathIdOf(la, lb), state: "up" }]);
  await reportPaths(o.orgId, devices.b.id, [{ id: pathIdOf(lb, lc), state: "down" }]);
  return { o, sites: { a, b, c, d }, links, devices };
}

describe("overview.get", () => {
  it("counts sites by state, failing paths, out-of-sync and offline devices", async () => {
    const { o, devices } = await demoFleet();
    // The compiler asked for revision 3 of two boxes; one applied it.
    await asOrg(o.orgId, (tx) =>
      tx.device.updateMany({
        where: { orgId: o.orgId, id: { in: [devices.a.id, devices.b.id] } },
        data: { desiredRevision: 3 },
      }),
    );
    await reportApplied(o.orgId, devices.a.id, 3);

    const v = await o.api.overview.get({ orgSlug: o.slug, window: "1h" });
    expect(v.sites).toEqual({ total: 5, up: 1, degraded: 2, down: 1, pending: 1 });
    expect(v.attention.map((s) => [s.name, s.state])).toEqual([
      ["D", "down"],
      ["B", "degraded"],
      ["C", "degraded"],
    ]);
    // Four sites with a link in a full mesh: six paths, two measured, one of them down.
    expect(v.paths).toEqual({ total: 6, measured: 2, failing: 1, down: 1 });
    expect(v.devices).toEqual({ active: 5, offline: 2, outOfSync: 1, pending: 0 });
  });

  it("a lossy path is failing its SLA and degrades both of its sites", async () => {
    const { o, devices, links } = await demoFleet();
    await reportPaths(o.orgId, devices.a.id, [
      { id: pathIdOf(links[0]!, links[1]!), state: "up", lossPct: 5 },
    ]);
    const v = await o.api.overview.get({ orgSlug: o.slug });
    expect(v.sites).toMatchObject({ up: 0, degraded: 3, down: 1 });
    expect(v.paths).toMatchObject({ measured: 2, failing: 2, down: 1 });
  });

  it("counts unresolved path incidents and open device alerts", async () => {
    const { o, devices, sites } = await demoFleet();
    await reportEvents(o.orgId, devices.b.id, [
      { kind: "path_down", unit: "path:x", remoteSiteId: sites.c },
      // Resolved: down, then up again.
      { kind: "path_down", unit: "path:y", remoteSiteId: sites.a },
      { kind: "path_up", unit: "path:y", remoteSiteId: sites.a },
    ]);
    await reportEvents(o.orgId, devices.a.id, [
      { kind: "sla_violation", unit: "class:voice", remoteSiteId: sites.b },
      { kind: "sla_violation", unit: "class:video", remoteSiteId: sites.b },
      { kind: "sla_ok", unit: "class:video", remoteSiteId: sites.b },
      // A failover is not an incident.
      { kind: "failover", unit: "class:bulk", remoteSiteId: sites.b },
    ]);
    await asOrg(o.orgId, (tx) =>
      tx.deviceAlert.create({
        data: { orgId: o.orgId, deviceId: devices.c1.id, kind: "cloned_identity", detail: {} },
      }),
    );
    const v = await o.api.overview.get({ orgSlug: o.slug });
    expect(v.incidents).toMatchObject({ total: 3, paths: 2, alerts: 1, open: 0 });

    // Alerting's incidents, an hour on (past every rule's duration): the tile counts those
    // not resolved, by severity; an acknowledged one is still open.
    await evaluateOrg(getDb(), o.orgId, new Date(Date.now() + 3_600_000));
    const rows = await asOrg(o.orgId, (tx) =>
      tx.incident.findMany({ where: { orgId: o.orgId, status: { not: "resolved" } } }),
    );
    expect(rows.length).toBeGreaterThan(0);
    await asOrg(o.orgId, (tx) =>
      tx.incident.update({
        where: { id: (rows[0] as { id: string }).id, orgId: o.orgId },
        data: { status: "acknowledged" },
      }),
    );
    const after = await o.api.overview.get({ orgSlug: o.slug });
    const bySeverity = (s: string) => rows.filter((r) => r.severity === s).length;
    expect(after.incidents).toMatchObject({
      open: rows.length,
      acknowledged: 1,
      critical: bySeverity("critical"),
      warning: bySeverity("warning"),
    });
  });

  it("sums throughput in and out over the hour or the day", async () => {
    const { o, devices } = await demoFleet();
    await reportUsage(o.orgId, devices.a.id, 0, 0);
    await reportUsage(o.orgId, devices.a.id, 5_000, 2_000);
    await reportUsage(o.orgId, devices.b.id, 0, 0);
    await reportUsage(o.orgId, devices.b.id, 1_000, 500);
    // Five hours ago: in the day's window, not the hour's.
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 5 * 3_600_000);
    await asOrg(o.orgId, (tx) =>
      tx.usageHour.create({ data: { orgId: o.orgId, hour, rxBytes: 70_000n, txBytes: 30_000n } }),
    );
    const hourView = await o.api.overview.get({ orgSlug: o.slug, window: "1h" });
    expect(hourView.throughput).toMatchObject({ window: "1h", inBytes: 6_000, outBytes: 2_500 });
    expect(hourView.throughput.series).toHaveLength(2);
    const dayView = await o.api.overview.get({ orgSlug: o.slug, window: "24h" });
    expect(dayView.throughput).toMatchObject({ inBytes: 76_000, outBytes: 32_500 });
    expect(dayView.throughput.series).toHaveLength(25);
    expect(dayView.throughput.series.find((p) => p.at.getTime() === hour.getTime())).toMatchObject({
      inBytes: 70_000,
      outBytes: 30_000,
    });
  });

  it("lists the top application classes over the window, the rest summed as other", async () => {
    const { o, devices } = await demoFleet();
    const before = await o.api.overview.get({ orgSlug: o.slug });
    expect(before.applications).toMatchObject({ reported: false, items: [] });
    // Ten named classes and unclassified traffic, over two boxes.
    const named = Array.from({ length: 10 }, (_, i) => `class-${i}`);
    const zero = named.map((n) => [n, 0, 0] as [string, number, number]);
    await reportClassUsage(o.orgId, devices.a.id, [...zero, ["other", 0, 0]]);
    await reportClassUsage(o.orgId, devices.b.id, zero);
    await reportClassUsage(o.orgId, devices.a.id, [
      ...named.map((n, i) => [n, (i + 1) * 1000, (i + 1) * 100] as [string, number, number]),
      ["other", 50, 5],
    ]);
    await reportClassUsage(o.orgId, devices.b.id, [...zero.slice(0, 9), ["class-9", 0, 900]]);
    // Five hours ago: in the day's window only.
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 5 * 3_600_000);
    await asOrg(o.orgId, (tx) =>
      tx.usageClassHour.create({
        data: { orgId: o.orgId, hour, class: "class-0", rxBytes: 1_000_000n, txBytes: 0n },
      }),
    );
    const v = await o.api.overview.get({ orgSlug: o.slug, window: "1h" });
    expect(v.applications.reported).toBe(true);
    expect(v.applications.window).toBe("1h");
    expect(v.applications.items.map((a) => a.name)).toEqual([
      "class-9",
      "class-8",
      "class-7",
      "class-6",
      "class-5",
      "class-4",
      "class-3",
      "class-2",
      "other",
    ]);
    expect(v.applications.items[0]).toEqual({
      name: "class-9",
      bytes: 10_000 + 1_000 + 900,
      inBytes: 10_000,
      outBytes: 1_900,
    });
    // class-1 and class-0 (2,200 and 1,100 bytes) and the unclassified 55 bytes.
    expect(v.applications.items.at(-1)).toEqual({
      name: "other",
      bytes: 3_355,
      inBytes: 3_050,
      outBytes: 305,
    });
    const day = await o.api.overview.get({ orgSlug: o.slug, window: "24h" });
    expect(day.applications.items[0]).toMatchObject({ name: "class-0", inBytes: 1_001_000 });
  });

  it("another org's caller gets NOT_FOUND, not the org's applications", async () => {
    const { o, devices } = await demoFleet();
    await reportClassUsage(o.orgId, devices.a.id, [["web", 0, 0]]);
    await reportClassUsage(o.orgId, devices.a.id, [["web", 5_000, 500]]);
    const other = await createOrgWithOwner();
    await expect(callerFor(other.owner).overview.get({ orgSlug: o.slug })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const own = await callerFor(other.owner).overview.get({ orgSlug: other.slug });
    expect(own.applications).toMatchObject({ reported: false, items: [] });
    const mine = await o.api.overview.get({ orgSlug: o.slug });
    expect(mine.applications.items).toEqual([
      { name: "web", bytes: 5_500, inBytes: 5_000, outBytes: 500 },
    ]);
  });

  it("shows plan usage and recent changes only to roles that may see them", async () => {
    const { o } = await demoFleet();
    const owner = await o.api.overview.get({ orgSlug: o.slug });
    expect(owner.plan).toMatchObject({ sites: { used: 5 }, devices: { used: 5 } });
    expect(owner.recentChanges?.[0]).toMatchObject({ action: "overlay.link.create" });
    const viewer = await addMember(o.slug, o.owner, "viewer");
    const seen = await callerFor(viewer).overview.get({ orgSlug: o.slug });
    expect(seen).toMatchObject({ plan: null, recentChanges: null, sites: owner.sites });
  });

  it("refuses another org's caller with NOT_FOUND and counts only the org's own rows", async () => {
    const { o } = await demoFleet();
    const other = await createOrgWithOwner();
    await expect(callerFor(other.owner).overview.get({ orgSlug: o.slug })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const empty = await callerFor(other.owner).overview.get({ orgSlug: other.slug });
    expect(empty.sites.total).toBe(0);
    expect(empty.devices.active).toBe(0);
    expect(empty.incidents.total).toBe(0);
  });

  it("refuses a window it does not know with a 400", async () => {
    const { o } = await demoFleet();
    await expect(
      o.api.overview.get({ orgSlug: o.slug, window: "7d" as "1h" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
