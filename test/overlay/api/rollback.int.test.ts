// The overlay is part of every revision's snapshot, and a rollback restores it with the
// same ids (so path ids, made of link ids, and steering units survive).
import { afterAll, describe, expect, it } from "vitest";
import { snapshotAt } from "../../../server/domains/fleet/intent/snapshots";
import { closeQueues } from "../../../server/platform/jobs/queues";
import {
  asOrg,
  latestSnapshot,
  linkInput,
  type OverlayOrg,
  overlayOrg,
  revisionOf,
  rewriteAsLegacySnapshot,
} from "../../../testkit/factories/overlay";

afterAll(closeQueues);

/** Everything the overlay API shows of the org's intent. */
async function overlayOf(o: OverlayOrg) {
  const s = o.slug;
  const api = o.api.overlay;
  return {
    settings: await api.settings.get({ orgSlug: s }),
    links: (
      await Promise.all(o.siteIds.map((siteId) => api.links.list({ orgSlug: s, siteId })))
    ).flat(),
    sla: await api.sla.list({ orgSlug: s }),
    apps: await api.apps.list({ orgSlug: s }),
    groups: await api.groups.list({ orgSlug: s }),
    policies: await api.policies.list({ orgSlug: s }),
    sites: (await o.api.site.list({ orgSlug: s })).items.map((x) => x.id),
    roles: (
      await Promise.all(o.siteIds.map((siteId) => api.sitePaths({ orgSlug: s, siteId })))
    ).map((v) => v.site),
  };
}

/** A finished rollout of `revision`, as the compile would have left it. */
const rolloutOf = (o: OverlayOrg, revision: number) =>
  asOrg(o.orgId, (tx) =>
    tx.rollout.create({
      data: {
        orgId: o.orgId,
        revision,
        status: "completed",
        deviceIds: [],
        canaryIds: [],
        failureThreshold: 1,
      },
    }),
  );

async function configured() {
  const o = await overlayOrg(["HQ", "Branch", "GW"]);
  const [hq, branch, gw] = o.siteIds as [string, string, string];
  const s = o.slug;
  const api = o.api.overlay;
  await api.site.update({
    orgSlug: s,
    siteId: hq,
    role: "hub",
    prefixes: ["10.10.0.0/16"],
  });
  await api.site.update({
    orgSlug: s,
    siteId: gw,
    role: "cloud_gateway",
    prefixes: ["0.0.0.0/0"],
  });
  await api.links.create({ orgSlug: s, ...linkInput(hq, "fiber", "eth0", "198.51.100.10") });
  await api.links.create({ orgSlug: s, ...linkInput(hq, "lte", "eth2"), kind: "lte" });
  const brLink = await api.links.create({
    orgSlug: s,
    ...linkInput(branch, "fiber", "eth0", "198.51.100.20"),
  });
  await api.links.create({ orgSlug: s, ...linkInput(gw, "internet", "eth0", "198.51.100.40") });
  await api.settings.update({
    orgSlug: s,
    topology: "hub_spoke",
    holdDownSeconds: 12,
  });
  const sla = await api.sla.create({
    orgSlug: s,
    name: "interactive",
    maxLatencyMs: 100,
    maxJitterMs: 30,
    maxLossPct: 1,
  });
  const app = await api.apps.create({
    orgSlug: s,
    name: "interactive",
    kind: "interactive",
    number: 7,
    slaClassId: sla.id,
    match: [{ proto: "tcp", lo: 22, hi: 22 }],
  });
  const group = await api.groups.create({
    orgSlug: s,
    name: "executives",
    prefixes: ["10.10.20.0/24"],
  });
  await api.policies.create({
    orgSlug: s,
    name: "SSH via GW",
    priority: 100,
    appClassId: app.id,
    userGroupId: group.id,
    preferred: [{ siteId: gw }],
    slaClassId: sla.id,
  });
  return { o, hq, branch, gw, brLink: brLink.id, app: app.id, sla: sla.id, group: group.id };
}

describe("overlay intent in snapshots and rollbacks", () => {
  it("snapshots the whole overlay intent at every revision", async () => {
    const c = await configured();
    const snap = await latestSnapshot(c.o.orgId);
    expect(snap.revision).toBe(await revisionOf(c.o.orgId));
    const intent = snap.intent as {
      sites: { id: string; role: string; prefixes: string[] }[];
      overlay: Record<string, unknown[]> & { settings: unknown };
    };
    expect(intent.sites.find((x) => x.id === c.gw)).toMatchObject({
      role: "cloud_gateway",
      prefixes: ["0.0.0.0/0"],
    });
    expect(intent.overlay.settings).toEqual({
      topology: "hub_spoke",
      sitePairs: [],
      probeIntervalMs: 100,
      holdDownSeconds: 12,
    });
    expect(
      [
        intent.overlay.links,
        intent.overlay.slaClasses,
        intent.overlay.appClasses,
        intent.overlay.userGroups,
        intent.overlay.policies,
      ].map((x) => x?.length),
    ).toEqual([4, 1, 1, 1, 1]);
  });

  it("a rollback restores links, settings, classes, groups, policies and site roles with their ids", async () => {
    const c = await configured();
    const { o } = c;
    const s = o.slug;
    const api = o.api.overlay;
    const before = await overlayOf(o);
    const good = await revisionOf(o.orgId);

    // A bad change, in several steps: the rollout of its first revision gets rolled back.
    const bad = await api.links.delete({ orgSlug: s, linkId: c.brLink });
    await api.apps.delete({ orgSlug: s, appClassId: c.app }); // takes the policy with it
    await api.sla.delete({ orgSlug: s, slaClassId: c.sla });
    await api.groups.update({
      orgSlug: s,
      userGroupId: c.group,
      name: "everyone",
      prefixes: ["10.0.0.0/8"],
    });
    await api.settings.update({ orgSlug: s, topology: "full_mesh" });
    await api.site.update({ orgSlug: s, siteId: c.hq, role: "edge", prefixes: [] });
    await api.links.create({
      orgSlug: s,
      ...linkInput(c.branch, "fiber", "eth1", "198.51.100.21"),
    });
    expect(await overlayOf(o)).not.toEqual(before);

    const rollout = await rolloutOf(o, bad.revision);
    const result = await o.api.rollout.rollback({ orgSlug: s, rolloutId: rollout.id });
    expect(result.restored).toBe(good);
    expect(await overlayOf(o)).toEqual(before);
    // The new revision's snapshot holds the restored overlay, as the good one did.
    const [then, now] = await asOrg(o.orgId, (tx) =>
      Promise.all([good, result.revision].map((revision) => snapshotAt(tx, o.orgId, revision))),
    );
    expect(now!.raw.overlay).toEqual(then!.raw.overlay);
  });

  it("a snapshot from before the overlay existed leaves the overlay as it is", async () => {
    const c = await configured();
    const { o } = c;
    const before = await overlayOf(o);
    const good = await revisionOf(o.orgId);
    // Make the good snapshot look like one written before this feature.
    await rewriteAsLegacySnapshot(o.orgId, good, ({ overlay: _o, ...old }) => {
      const sites = (old.sites as Record<string, unknown>[]).map(
        ({ role: _r, prefixes: _p, ...x }) => x,
      );
      return { ...old, sites };
    });
    const bad = await o.api.policy.create({
      orgSlug: o.slug,
      priority: 1,
      action: "deny",
      src: "10.0.0.0/8",
      dst: "10.1.0.0/16",
    });
    const rollout = await rolloutOf(o, bad.revision);
    await o.api.rollout.rollback({ orgSlug: o.slug, rolloutId: rollout.id });
    expect((await o.api.policy.list({ orgSlug: o.slug })).items).toEqual([]);
    expect(await overlayOf(o)).toEqual(before);
  });
});
