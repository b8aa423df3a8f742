// L2 segments through the API: CRUD with a revision and an audit entry per write, the
// snapshot, what is refused (VNI range and clashes, unknown sites, interfaces the box
// already uses), rollback, and a deleted site leaving its segments.
import { afterAll, describe, expect, it } from "vitest";
import { closeQueues } from "../../../server/platform/jobs/queues";
import {
  asOrg,
  auditOf,
  bumps,
  codeOf,
  errorOf,
  latestSnapshot,
  linkInput,
  type OverlayOrg,
  overlayOrg,
  revisionOf,
  rewriteAsLegacySnapshot,
} from "../../../testkit/factories/overlay";

afterAll(closeQueues);

type SegmentInput = Omit<
  Parameters<OverlayOrg["api"]["overlay"]["segments"]["create"]>[0],
  "orgSlug"
>;
const members = (...m: [string, string][]) =>
  m.map(([siteId, iface]) => ({ siteId, interface: iface }));

async function org() {
  const o = await overlayOrg(["HQ", "Branch", "Lab"]);
  const [hq, branch, lab] = o.siteIds as [string, string, string];
  const create = (segment: SegmentInput) =>
    o.api.overlay.segments.create({ orgSlug: o.slug, ...segment });
  return { o, hq, branch, lab, create };
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

describe("L2 segments", () => {
  it("create, list, update and delete, each a new revision with an audit entry and a snapshot", async () => {
    const { o, hq, branch, lab, create } = await org();
    const office = { name: "office", vni: 100, members: members([hq, "eth4"], [branch, "eth4"]) };
    const made = await bumps(o, () => create(office));
    expect((await o.api.overlay.segments.list({ orgSlug: o.slug })).items).toEqual([
      { id: made.id, ...office },
    ]);
    expect((await latestSnapshot(o.orgId)).intent).toMatchObject({
      overlay: { segments: [{ id: made.id, ...office }] },
    });
    expect((await auditOf(o.orgId, "overlay.segment.create"))[0]).toMatchObject({
      targetType: "l2_segment",
      targetId: made.id,
      after: office,
    });

    const wider = { ...office, vni: 101, members: [...office.members, ...members([lab, "br0"])] };
    await bumps(o, () =>
      o.api.overlay.segments.update({ orgSlug: o.slug, segmentId: made.id, ...wider }),
    );
    expect((await o.api.overlay.segments.list({ orgSlug: o.slug })).items).toEqual([
      { id: made.id, ...wider },
    ]);
    expect((await auditOf(o.orgId, "overlay.segment.update"))[0]?.before).toMatchObject({
      vni: 100,
    });
    // Saving the same segment again keeps its own name and VNI.
    await bumps(o, () =>
      o.api.overlay.segments.update({ orgSlug: o.slug, segmentId: made.id, ...wider }),
    );

    await bumps(o, () => o.api.overlay.segments.delete({ orgSlug: o.slug, segmentId: made.id }));
    expect((await o.api.overlay.segments.list({ orgSlug: o.slug })).items).toEqual([]);
    expect((await auditOf(o.orgId, "overlay.segment.delete"))[0]?.before).toMatchObject({
      name: "office",
    });
    expect(
      await codeOf(o.api.overlay.segments.delete({ orgSlug: o.slug, segmentId: made.id })),
    ).toBe("NOT_FOUND");
  });

  it("refuses bad input and clashes with a clear 4xx, changing nothing", async () => {
    const { o, hq, branch, create } = await org();
    await create({ name: "office", vni: 100, members: members([hq, "eth4"]) });
    const before = await revisionOf(o.orgId);
    const ok = { name: "lab", vni: 200, members: members([hq, "eth5"], [branch, "eth5"]) };

    for (const vni of [0, -1, 16_777_216, 1.5])
      expect(await codeOf(create({ ...ok, vni })), `vni ${vni}`).toBe("BAD_REQUEST");
    expect(await codeOf(create({ ...ok, members: [] }))).toBe("BAD_REQUEST");
    expect(await codeOf(create({ ...ok, name: " " }))).toBe("BAD_REQUEST");
    for (const iface of ["", "eth 5", "a-name-longer-than-15", "eth5;reboot"])
      expect(
        await codeOf(create({ ...ok, members: members([hq, iface]) })),
        `interface ${JSON.stringify(iface)}`,
      ).toBe("BAD_REQUEST");
    const twice = await errorOf(create({ ...ok, members: members([hq, "eth5"], [hq, "eth6"]) }));
    expect(twice.code).toBe("BAD_REQUEST");
    expect(twice.message).toMatch(/a site can be a member only once/);

    const vni = await errorOf(create({ ...ok, vni: 100 }));
    expect(vni.code).toBe("CONFLICT");
    expect(vni.message).toMatch(/VNI 100 is used by segment office/);
    const name = await errorOf(create({ ...ok, name: "office" }));
    expect([name.code, name.message]).toEqual([
      "CONFLICT",
      "There is already an L2 segment named office",
    ]);
    expect(await codeOf(create({ ...ok, members: members([hq, "eth5"], ["nope", "eth5"]) }))).toBe(
      "NOT_FOUND",
    );

    // Interfaces the box already uses: another segment's, a WAN link's, its own WAN/LAN port.
    const bridged = await errorOf(create({ ...ok, members: members([hq, "eth4"]) }));
    expect([bridged.code, bridged.message]).toEqual([
      "CONFLICT",
      "eth4 of HQ is bridged into segment office",
    ]);
    await o.api.overlay.links.create({ orgSlug: o.slug, ...linkInput(branch, "fiber", "eth7") });
    const link = await errorOf(create({ ...ok, members: members([branch, "eth7"]) }));
    expect([link.code, link.message]).toEqual([
      "CONFLICT",
      "eth7 of Branch is the interface of link fiber",
    ]);
    for (const port of ["eth0", "eth1"]) // the site's default WAN and LAN ports
      expect(await codeOf(create({ ...ok, members: members([hq, port]) }))).toBe("CONFLICT");
    // The other way round: a link cannot take a bridged interface.
    const taken = await errorOf(
      o.api.overlay.links.create({ orgSlug: o.slug, ...linkInput(hq, "lte", "eth4") }),
    );
    expect([taken.code, taken.message]).toEqual([
      "CONFLICT",
      "Interface eth4 is bridged into L2 segment office",
    ]);

    // One link was made above; nothing else changed.
    expect(await revisionOf(o.orgId)).toBe(before + 1);
    expect(
      (await o.api.overlay.segments.list({ orgSlug: o.slug })).items.map((s) => s.name),
    ).toEqual(["office"]);
    // The same interface at another site, and another interface at the same site, are fine.
    await bumps(o, () => create({ ...ok, members: members([hq, "eth5"], [branch, "eth4"]) }));
  });

  it("a deleted site leaves its segments", async () => {
    const { o, hq, branch, create } = await org();
    const seg = await create({
      name: "office",
      vni: 100,
      members: members([hq, "eth4"], [branch, "eth4"]),
    });
    await o.api.site.delete({ orgSlug: o.slug, siteId: branch });
    expect((await o.api.overlay.segments.list({ orgSlug: o.slug })).items).toEqual([
      { id: seg.id, name: "office", vni: 100, members: members([hq, "eth4"]) },
    ]);
  });

  it("a rollback restores segments with their ids; a snapshot from before segments keeps them", async () => {
    const { o, hq, branch, lab, create } = await org();
    const office = await create({
      name: "office",
      vni: 100,
      members: members([hq, "eth4"], [branch, "eth4"]),
    });
    const good = await revisionOf(o.orgId);
    const { items: before } = await o.api.overlay.segments.list({ orgSlug: o.slug });

    const bad = await o.api.overlay.segments.update({
      orgSlug: o.slug,
      segmentId: office.id,
      name: "office",
      vni: 300,
      members: members([lab, "eth9"]),
    });
    await create({ name: "cams", vni: 400, members: members([lab, "eth5"]) });
    const rollout = await rolloutOf(o, bad.revision);
    const result = await o.api.rollout.rollback({ orgSlug: o.slug, rolloutId: rollout.id });
    expect(result.restored).toBe(good);
    expect((await o.api.overlay.segments.list({ orgSlug: o.slug })).items).toEqual(before);

    // Make the current snapshot look like one written before segments existed: a rollback
    // to it says nothing about segments, so they stay as they are (neither wiped nor reset).
    const current = await revisionOf(o.orgId);
    await rewriteAsLegacySnapshot(o.orgId, current, (intent) => {
      const { segments: _s, ...overlay } = intent.overlay as Record<string, unknown>;
      return { ...intent, overlay };
    });
    await create({ name: "cams", vni: 400, members: members([lab, "eth5"]) });
    const link = await o.api.overlay.links.create({
      orgSlug: o.slug,
      ...linkInput(hq, "fiber", "eth0", "198.51.100.1"),
    });
    const now = await o.api.overlay.segments.list({ orgSlug: o.slug });
    expect(now.items.map((x) => x.name)).toEqual(["office", "cams"]);
    const rollout2 = await rolloutOf(o, link.revision - 1);
    const back = await o.api.rollout.rollback({ orgSlug: o.slug, rolloutId: rollout2.id });
    expect(back.restored).toBe(current);
    expect((await o.api.overlay.links.list({ orgSlug: o.slug, siteId: hq })).items).toEqual([]);
    expect((await o.api.overlay.segments.list({ orgSlug: o.slug })).items).toEqual(now.items);
  });
});
