// Cross-tenant: every overlay procedure, called by another org's owner with this org's
// ids, is NOT_FOUND and changes nothing; lists and views never show another org's rows;
// another org's ids cannot be referenced from one's own intent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeQueues } from "../../../server/platform/jobs/queues";
import {
  addDevice,
  addSamples,
  asOrg,
  codeOf,
  linkInput,
  type OverlayOrg,
  overlayOrg,
} from "../../../testkit/factories/overlay";

afterAll(closeQueues);

let a: OverlayOrg;
let b: OverlayOrg;
const ids = {
  site: "",
  link: "",
  sla: "",
  app: "",
  group: "",
  policy: "",
  path: "",
  segment: "",
};
const segment = (siteId: string) => ({
  name: "office",
  vni: 100,
  members: [{ siteId, interface: "eth4" }],
});
const sla = { name: "voice", maxLatencyMs: 150, maxJitterMs: 30, maxLossPct: 1 };
const prefixes = ["10.0.0.0/8"];

beforeAll(async () => {
  a = await overlayOrg(["A-HQ", "A-Branch"]);
  b = await overlayOrg(["B-HQ"]);
  const [hq, branch] = a.siteIds as [string, string];
  ids.site = hq;
  ids.link = (
    await a.api.overlay.links.create({
      orgSlug: a.slug,
      ...linkInput(hq, "fiber", "eth0", "198.51.100.1"),
    })
  ).id;
  const other = (
    await a.api.overlay.links.create({
      orgSlug: a.slug,
      ...linkInput(branch, "fiber", "eth0", "198.51.100.2"),
    })
  ).id;
  ids.path = [ids.link, other].sort().join("~");
  ids.sla = (await a.api.overlay.sla.create({ orgSlug: a.slug, ...sla })).id;
  ids.app = (
    await a.api.overlay.apps.create({
      orgSlug: a.slug,
      name: "voice",
      kind: "voice",
      slaClassId: ids.sla,
    })
  ).id;
  ids.group = (
    await a.api.overlay.groups.create({
      orgSlug: a.slug,
      name: "execs",
      prefixes: ["10.1.0.0/24"],
    })
  ).id;
  ids.policy = (
    await a.api.overlay.policies.create({
      orgSlug: a.slug,
      name: "p",
      priority: 1,
      appClassId: ids.app,
      preferred: [{ siteId: branch }],
    })
  ).id;
  ids.segment = (await a.api.overlay.segments.create({ orgSlug: a.slug, ...segment(hq) })).id;
  const device = await addDevice(a.orgId, hq);
  await addSamples(a.orgId, [{ siteId: hq, deviceId: device.id, pathId: ids.path }]);
  await asOrg(a.orgId, (tx) =>
    tx.pathEvent.create({
      data: {
        orgId: a.orgId,
        siteId: hq,
        deviceId: device.id,
        eventId: "ev-isolation-1",
        at: new Date(),
        kind: "failover",
        unit: "class:1",
        unitName: "voice",
        reason: "test",
      },
    }),
  );
});

/** What org A looks like through its own eyes; must not change under B's attempts. */
async function snapshotOfA() {
  const s = a.slug;
  return {
    settings: await a.api.overlay.settings.get({ orgSlug: s }),
    links: await a.api.overlay.links.list({ orgSlug: s, siteId: ids.site }),
    sla: await a.api.overlay.sla.list({ orgSlug: s }),
    apps: await a.api.overlay.apps.list({ orgSlug: s }),
    groups: await a.api.overlay.groups.list({ orgSlug: s }),
    policies: await a.api.overlay.policies.list({ orgSlug: s }),
    segments: await a.api.overlay.segments.list({ orgSlug: s }),
    site: (await a.api.site.get({ orgSlug: s, siteId: ids.site })).name,
  };
}

type Calls = Record<string, () => Promise<unknown>>;

/** B's calls naming A's site, link, classes, group, policy and path, under the slug `s`. */
function callsOnIdsOfA(s: string): Calls {
  const o = b.api.overlay;
  return {
    "site.update": () => o.site.update({ orgSlug: s, siteId: ids.site, role: "hub", prefixes: [] }),
    "links.list": () => o.links.list({ orgSlug: s, siteId: ids.site }),
    "links.create": () => o.links.create({ orgSlug: s, ...linkInput(ids.site, "x", "eth9") }),
    "links.update": () =>
      o.links.update({ orgSlug: s, linkId: ids.link, ...linkInput(ids.site, "x", "eth9") }),
    "links.delete": () => o.links.delete({ orgSlug: s, linkId: ids.link }),
    "sla.update": () => o.sla.update({ orgSlug: s, slaClassId: ids.sla, ...sla }),
    "sla.delete": () => o.sla.delete({ orgSlug: s, slaClassId: ids.sla }),
    "apps.update": () =>
      o.apps.update({ orgSlug: s, appClassId: ids.app, name: "x", kind: "custom" }),
    "apps.delete": () => o.apps.delete({ orgSlug: s, appClassId: ids.app }),
    "groups.update": () =>
      o.groups.update({ orgSlug: s, userGroupId: ids.group, name: "x", prefixes }),
    "groups.delete": () => o.groups.delete({ orgSlug: s, userGroupId: ids.group }),
    "policies.update": () =>
      o.policies.update({
        orgSlug: s,
        steeringPolicyId: ids.policy,
        name: "x",
        priority: 1,
        srcPrefixes: prefixes,
      }),
    "policies.delete": () => o.policies.delete({ orgSlug: s, steeringPolicyId: ids.policy }),
    "segments.update": () =>
      o.segments.update({ orgSlug: s, segmentId: ids.segment, ...segment(ids.site) }),
    "segments.delete": () => o.segments.delete({ orgSlug: s, segmentId: ids.segment }),
    sitePaths: () => o.sitePaths({ orgSlug: s, siteId: ids.site }),
    pathSeries: () => o.pathSeries({ orgSlug: s, siteId: ids.site, pathId: ids.path }),
  };
}

async function expectAllNotFound(calls: Calls) {
  for (const [name, call] of Object.entries(calls))
    expect(`${name}: ${await codeOf(call())}`).toBe(`${name}: NOT_FOUND`);
}

describe("another org's ids are NOT_FOUND for every overlay procedure", () => {
  it("in B's own org scope (B's slug, A's ids)", async () => {
    const before = await snapshotOfA();
    const s = b.slug;
    const o = b.api.overlay;
    // Referencing A's rows from B's own intent.
    const policy = (p: Partial<Parameters<typeof o.policies.create>[0]>) =>
      o.policies.create({ orgSlug: s, name: "x", priority: 1, ...p });
    await expectAllNotFound({
      ...callsOnIdsOfA(s),
      incidents: () => o.incidents({ orgSlug: s, siteId: ids.site }),
      "settings.update (pairs)": () =>
        o.settings.update({
          orgSlug: s,
          topology: "partial_mesh",
          sitePairs: [{ a: b.siteIds[0]!, b: ids.site }],
        }),
      "apps.create (sla)": () =>
        o.apps.create({ orgSlug: s, name: "x", kind: "custom", slaClassId: ids.sla }),
      "policies.create (app)": () => policy({ appClassId: ids.app }),
      "policies.create (group)": () => policy({ userGroupId: ids.group }),
      "policies.create (sla)": () => policy({ srcPrefixes: prefixes, slaClassId: ids.sla }),
      "policies.create (site)": () => policy({ srcPrefixes: prefixes, siteId: ids.site }),
      "policies.create (preferred)": () =>
        policy({ srcPrefixes: prefixes, preferred: [{ siteId: ids.site }] }),
      "segments.create (member)": () =>
        o.segments.create({
          orgSlug: s,
          name: "x",
          vni: 7,
          members: [...segment(b.siteIds[0]!).members, ...segment(ids.site).members],
        }),
    });
    expect(await snapshotOfA()).toEqual(before);
  });

  it("in A's org scope (A's slug, B's session): every procedure", async () => {
    const s = a.slug;
    const o = b.api.overlay;
    await expectAllNotFound({
      ...callsOnIdsOfA(s),
      "settings.get": () => o.settings.get({ orgSlug: s }),
      "settings.update": () => o.settings.update({ orgSlug: s, topology: "hub_spoke" }),
      "sla.list": () => o.sla.list({ orgSlug: s }),
      "sla.create": () => o.sla.create({ orgSlug: s, ...sla, name: "new" }),
      "apps.list": () => o.apps.list({ orgSlug: s }),
      "apps.create": () => o.apps.create({ orgSlug: s, name: "new", kind: "custom" }),
      "groups.list": () => o.groups.list({ orgSlug: s }),
      "groups.create": () => o.groups.create({ orgSlug: s, name: "new", prefixes }),
      "policies.list": () => o.policies.list({ orgSlug: s }),
      "policies.create": () =>
        o.policies.create({
          orgSlug: s,
          name: "new",
          priority: 1,
          srcPrefixes: prefixes,
        }),
      "segments.list": () => o.segments.list({ orgSlug: s }),
      "segments.create": () =>
        o.segments.create({ orgSlug: s, ...segment(ids.site), vni: 9, name: "n" }),
      topology: () => o.topology({ orgSlug: s }),
      incidents: () => o.incidents({ orgSlug: s }),
    });
  });
});

describe("lists and views show only the caller's org", () => {
  it("B sees none of A's rows, A sees all of its own", async () => {
    const s = b.slug;
    const o = b.api.overlay;
    expect((await o.sla.list({ orgSlug: s })).items).toEqual([]);
    expect((await o.apps.list({ orgSlug: s })).items).toEqual([]);
    expect((await o.groups.list({ orgSlug: s })).items).toEqual([]);
    expect((await o.policies.list({ orgSlug: s })).items).toEqual([]);
    expect((await o.segments.list({ orgSlug: s })).items).toEqual([]);
    expect((await o.incidents({ orgSlug: s })).items).toEqual([]);
    expect((await o.links.list({ orgSlug: s, siteId: b.siteIds[0]! })).items).toEqual([]);
    const topo = await o.topology({ orgSlug: s });
    expect(topo.sites.map((x) => x.name)).toEqual(["B-HQ"]);
    expect(topo.edges).toEqual([]);
    expect(topo.measuredAt).toBeNull();
    // A's path id asked at B's own site: A's samples stay invisible.
    expect(
      (await o.pathSeries({ orgSlug: s, siteId: b.siteIds[0]!, pathId: ids.path })).points,
    ).toEqual([]);

    expect((await a.api.overlay.incidents({ orgSlug: a.slug })).items.length).toBe(1);
    expect(
      (await a.api.overlay.pathSeries({ orgSlug: a.slug, siteId: ids.site, pathId: ids.path }))
        .points.length,
    ).toBe(1);
    expect((await a.api.overlay.topology({ orgSlug: a.slug })).edges.length).toBe(1);
    // Segment names and VNIs are unique per org: B may use A's.
    await o.segments.create({ orgSlug: s, ...segment(b.siteIds[0]!) });
    expect((await a.api.overlay.segments.list({ orgSlug: a.slug })).items.map((x) => x.id)).toEqual(
      [ids.segment],
    );
  });
});
