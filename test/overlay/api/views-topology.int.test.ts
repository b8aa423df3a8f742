// The topology and site-paths views on rows written the way the ingest writes them:
// path samples and the devices' overlay status (with the newest selection).
import { afterAll, describe, expect, it } from "vitest";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { addSamples, linkInput, overlayOrg } from "../../../testkit/factories/overlay";
import { network, since } from "./network";

afterAll(closeQueues);

describe("topology", () => {
  it("draws every site pair with paths, each path's health, and the classes on it", async () => {
    const n = await network();
    const { o, P } = n;
    await addSamples(o.orgId, [
      // main: the newest sample of each end counts (an old outage is over).
      { siteId: n.hq, deviceId: n.dHq, pathId: P.main, ago: 20, up: false, latencyMs: null },
      { siteId: n.hq, deviceId: n.dHq, pathId: P.main, ago: 1, latencyMs: 20 },
      { siteId: n.branch, deviceId: n.dBr, pathId: P.main, ago: 2, latencyMs: 25 },
      // backup: slow → degraded (no SLA classes yet: above 150 ms).
      { siteId: n.hq, deviceId: n.dHq, pathId: P.backup, latencyMs: 300 },
      // HQ↔GW: one path down, the other unmeasured → the pair is down.
      {
        siteId: n.hq,
        deviceId: n.dHq,
        pathId: P.hqGwFiber,
        up: false,
        latencyMs: null,
        lossPct: 100,
      },
      // Branch↔GW: only a stale sample → unknown.
      { siteId: n.branch, deviceId: n.dBr, pathId: P.brGw, ago: 600 },
    ]);
    const view = await o.api.overlay.topology({ orgSlug: o.slug });
    expect(view.topology).toBe("full_mesh");
    expect(view.measuredAt).not.toBeNull();
    expect(view.sites.map((s) => [s.name, s.role, s.online, s.devicesOnline, s.devices])).toEqual([
      ["Branch", "edge", true, 1, 1],
      ["GW", "cloud_gateway", false, 0, 1],
      ["HQ", "edge", true, 1, 1],
    ]);
    expect(view.sites.find((s) => s.id === n.hq)?.links.map((l) => l.name)).toEqual([
      "fiber",
      "lte",
    ]);

    const edge = (x: string, y: string) => view.edges.find((e) => e.id === [x, y].sort().join("~"));
    expect(view.edges).toHaveLength(3);
    const hqBr = edge(n.hq, n.branch)!;
    expect(hqBr.health).toBe("degraded");
    const main = hqBr.paths.find((p) => p.id === P.main)!;
    expect(main).toMatchObject({ health: "up", latencyMs: 20, classes: ["bulk", "voice"] });
    expect([main.aLink, main.bLink]).toEqual(["fiber", "fiber"]);
    expect(hqBr.paths.find((p) => p.id === P.backup)).toMatchObject({
      health: "degraded",
      latencyMs: 300,
    });
    const hqGw = edge(n.hq, n.gw)!;
    expect(hqGw.health).toBe("down");
    expect(hqGw.paths.map((p) => [p.id, p.health]).sort()).toEqual(
      [
        [P.hqGwFiber, "down"],
        [P.hqGwLte, "unknown"],
      ].sort(),
    );
    expect(hqGw.paths.find((p) => p.id === P.hqGwLte)?.classes).toEqual(["SSH via GW"]);
    expect(edge(n.branch, n.gw)).toMatchObject({
      health: "unknown",
      paths: [{ id: P.brGw, latencyMs: null }],
    });

    // With SLA classes, degraded means "the strictest class would refuse it".
    await o.api.overlay.sla.create({
      orgSlug: o.slug,
      name: "interactive",
      maxLatencyMs: 22,
      maxJitterMs: 30,
      maxLossPct: 1,
    });
    const strict = await o.api.overlay.topology({ orgSlug: o.slug });
    const strictMain = strict.edges.flatMap((e) => e.paths).find((p) => p.id === P.main)!;
    // The worse end decides: Branch measured 25 ms > 22 ms.
    expect(strictMain).toMatchObject({ health: "degraded", latencyMs: 25 });
  });

  it("follows the topology: hub and spoke, partial mesh, links without a public side, disabled links", async () => {
    const o = await overlayOrg(["Hub", "S1", "S2", "GW"]);
    const [hub, s1, s2, gw] = o.siteIds as [string, string, string, string];
    const mk = async (siteId: string, name: string, iface: string, pub?: string) =>
      (
        await o.api.overlay.links.create({
          orgSlug: o.slug,
          ...linkInput(siteId, name, iface, pub),
        })
      ).id;
    await mk(hub, "fiber", "eth0", "198.51.100.1");
    await mk(s1, "fiber", "eth0", "198.51.100.2");
    await mk(s2, "lte", "eth0"); // dial-out only
    const gwLink = await mk(gw, "internet", "eth0", "198.51.100.4");
    await o.api.overlay.site.update({
      orgSlug: o.slug,
      siteId: hub,
      role: "hub",
      prefixes: [],
    });
    await o.api.overlay.site.update({
      orgSlug: o.slug,
      siteId: gw,
      role: "cloud_gateway",
      prefixes: [],
    });
    const pairs = async () =>
      (await o.api.overlay.topology({ orgSlug: o.slug })).edges.map((e) => e.id).sort();
    const pair = (x: string, y: string) => [x, y].sort().join("~");

    // Full mesh: every pair (S2 only dials out, but every other site has a public side).
    expect(await pairs()).toEqual(
      [
        pair(hub, s1),
        pair(hub, s2),
        pair(hub, gw),
        pair(s1, s2),
        pair(s1, gw),
        pair(s2, gw),
      ].sort(),
    );
    await o.api.overlay.settings.update({ orgSlug: o.slug, topology: "hub_spoke" });
    expect(await pairs()).toEqual(
      [pair(hub, s1), pair(hub, s2), pair(hub, gw), pair(s1, gw), pair(s2, gw)].sort(),
    );
    await o.api.overlay.settings.update({
      orgSlug: o.slug,
      topology: "partial_mesh",
      sitePairs: [{ a: s1, b: s2 }],
    });
    expect(await pairs()).toEqual([pair(s1, s2), pair(hub, gw), pair(s1, gw), pair(s2, gw)].sort());
    // A disabled link carries no paths.
    await o.api.overlay.links.update({
      orgSlug: o.slug,
      linkId: gwLink,
      ...linkInput(gw, "internet", "eth0", "198.51.100.4"),
      enabled: false,
    });
    expect(await pairs()).toEqual([pair(s1, s2)]);
    // Two dial-out ends cannot reach each other.
    await o.api.overlay.links.update({
      orgSlug: o.slug,
      linkId: (await o.api.overlay.links.list({ orgSlug: o.slug, siteId: s1 })).items[0]!.id,
      ...linkInput(s1, "fiber", "eth0"),
    });
    expect(await pairs()).toEqual([]);
  });
});

describe("site paths", () => {
  it("shows the site's links, its end of each path, tunnel state and the current selection", async () => {
    const n = await network();
    const { o, P } = n;
    await addSamples(o.orgId, [
      {
        siteId: n.hq,
        deviceId: n.dHq,
        pathId: P.main,
        ago: 3,
        latencyMs: 19,
        jitterMs: 1,
        lossPct: 0,
        mos: 4.4,
      },
      { siteId: n.branch, deviceId: n.dBr, pathId: P.main, latencyMs: 500 }, // the other end's
    ]);
    const view = await o.api.overlay.sitePaths({ orgSlug: o.slug, siteId: n.hq });
    expect(view.site).toEqual({ id: n.hq, name: "HQ", role: "edge", prefixes: ["10.10.0.0/16"] });
    expect(view.links.map((l) => [l.name, l.interface])).toEqual([
      ["fiber", "eth0"],
      ["lte", "eth2"],
    ]);
    expect(view.paths.map((p) => p.id).sort()).toEqual(
      [P.main, P.backup, P.hqGwFiber, P.hqGwLte].sort(),
    );
    const main = view.paths.find((p) => p.id === P.main)!;
    expect(main).toMatchObject({
      localLink: "fiber",
      remoteSite: { id: n.branch, name: "Branch" },
      remoteLink: "fiber",
      health: "up",
      tunnel: "up",
      latencyMs: 19,
      jitterMs: 1,
      lossPct: 0,
      mos: 4.4,
    });
    expect(main.at).not.toBeNull();
    expect(view.paths.find((p) => p.id === P.hqGwFiber)).toMatchObject({
      tunnel: "down",
      health: "unknown",
      at: null,
    });
    expect(view.paths.find((p) => p.id === P.backup)).toMatchObject({
      localLink: "lte",
      tunnel: "unknown",
    });
    // Malformed entries and selections towards deleted sites are left out.
    expect(view.selection).toEqual([
      {
        unit: "policy:p1",
        unitName: "SSH via GW",
        remoteSite: { id: n.gw, name: "GW" },
        pathId: P.hqGwLte,
        since,
      },
      {
        unit: "class:c1",
        unitName: "voice",
        remoteSite: { id: n.branch, name: "Branch" },
        pathId: P.main,
        since,
      },
    ]);
    const branch = await o.api.overlay.sitePaths({ orgSlug: o.slug, siteId: n.branch });
    expect(branch.paths.find((p) => p.id === P.main)).toMatchObject({
      health: "degraded",
      latencyMs: 500,
      tunnel: "unknown",
    });
    expect(branch.selection.map((s) => s.unitName)).toEqual(["bulk"]);
  });
});
