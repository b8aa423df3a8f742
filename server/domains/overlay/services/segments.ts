// L2 segments: VXLAN over the tunnels between member sites, each bridging one LAN-side
// interface of its box (docs/overlay.md, "L2 segments"). Intent: every change bumps the
// revision. Names and VNIs are unique per org; a member interface must not be one the box
// already uses (a WAN link, the site's WAN or LAN port, another segment's interface).

import type { Actor } from "../../../platform/audit/write-audit";
import type { L2Segment, Prisma, Tx } from "../../../platform/db/client";
import { AppError } from "../../../platform/errors";
import { intentRows, othersInOrg } from "../../../platform/features/intent-rows";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import { ZSiteSettings } from "../../sites";
import { type OverlayIntent, ZOverlayIntent } from "../intent-schema";
import type { L2SegmentInput } from "../schemas";

type SegmentRow = OverlayIntent["segments"][number];

const segments = intentRows({
  model: (tx) => tx.l2Segment,
  noun: "an L2 segment",
  audit: "overlay.segment",
  targetType: "l2_segment",
});

export const segmentView = (s: L2Segment): SegmentRow =>
  ZOverlayIntent.shape.segments.unwrap().element.parse({
    id: s.id,
    name: s.name,
    vni: s.vni,
    members: s.members,
  });

export async function listSegments(tx: Tx, orgId: string) {
  const rows = await tx.l2Segment.findMany({
    where: { orgId },
    orderBy: [{ vni: "asc" }, { id: "asc" }],
  });
  return rows.map(segmentView);
}

export const getSegment = async (tx: Tx, orgId: string, segmentId: string) =>
  segmentView(await segments.find(tx, orgId, segmentId));

const taken = (what: string, field: string) =>
  new AppError("CONFLICT", what, { [field]: "already in use" });

/** Name and VNI free in the org; every member a site of the org with a free interface. */
async function assertValid(tx: Tx, orgId: string, input: L2SegmentInput, except?: string) {
  await segments.assertNameFree(tx, orgId, input.name, except);
  const others = await tx.l2Segment.findMany({ where: othersInOrg(orgId, except) });
  const sameVni = others.find((o) => o.vni === input.vni);
  if (sameVni) throw taken(`VNI ${input.vni} is used by segment ${sameVni.name}`, "vni");

  const siteIds = input.members.map((m) => m.siteId);
  const sites = await tx.site.findMany({
    where: { orgId, id: { in: siteIds } },
    select: { id: true, name: true, settings: true, wanLinks: true },
  });
  for (const m of input.members) {
    const site = sites.find((s) => s.id === m.siteId);
    if (!site)
      throw new AppError("NOT_FOUND", "Site not found", {
        members: "not found in this organization",
      });
    const link = site.wanLinks.find((l) => l.interface === m.interface);
    if (link)
      throw taken(
        `${m.interface} of ${site.name} is the interface of link ${link.name}`,
        "members",
      );
    const settings = ZSiteSettings.parse(site.settings);
    if (m.interface === settings.wan || m.interface === settings.lan)
      throw taken(`${m.interface} is the ${site.name} box's own WAN or LAN port`, "members");
    const clash = others.find((o) =>
      segmentView(o).members.some((x) => x.siteId === m.siteId && x.interface === m.interface),
    );
    if (clash)
      throw taken(
        `${m.interface} of ${site.name} is bridged into segment ${clash.name}`,
        "members",
      );
  }
}

const toRow = (input: L2SegmentInput) => ({
  name: input.name,
  vni: input.vni,
  members: input.members as Prisma.InputJsonValue,
});

export async function createSegment(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: L2SegmentInput,
) {
  await assertValid(tx, tenant.orgId, input);
  const row = await tx.l2Segment.create({ data: { orgId: tenant.orgId, ...toRow(input) } });
  const revision = await segments.record(tx, actor, tenant.orgId, "create", {
    id: row.id,
    after: input,
    reason: `L2 segment ${row.name} (VNI ${row.vni}) added`,
  });
  return { id: row.id, revision };
}

export async function updateSegment(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  segmentId: string,
  input: L2SegmentInput,
) {
  const before = await segments.find(tx, tenant.orgId, segmentId);
  await assertValid(tx, tenant.orgId, input, segmentId);
  await tx.l2Segment.update({ where: { id: segmentId, orgId: tenant.orgId }, data: toRow(input) });
  const revision = await segments.record(tx, actor, tenant.orgId, "update", {
    id: segmentId,
    before: segmentView(before),
    after: input,
    reason: `L2 segment ${input.name} changed`,
  });
  return { id: segmentId, revision };
}

export async function deleteSegment(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  segmentId: string,
) {
  const before = await segments.find(tx, tenant.orgId, segmentId);
  await tx.l2Segment.delete({ where: { id: segmentId, orgId: tenant.orgId } });
  const revision = await segments.record(tx, actor, tenant.orgId, "delete", {
    id: segmentId,
    before: segmentView(before),
    reason: `L2 segment ${before.name} removed`,
  });
  return { revision };
}

/** A deleted site leaves every segment it was a member of (site-delete's cleanup). */
export async function removeSiteFromSegments(tx: Tx, orgId: string, siteId: string) {
  for (const row of await tx.l2Segment.findMany({ where: { orgId } })) {
    const members = segmentView(row).members;
    const kept = members.filter((m) => m.siteId !== siteId);
    if (kept.length !== members.length)
      await tx.l2Segment.update({ where: { id: row.id, orgId }, data: { members: kept } });
  }
}

/** The name of the segment that bridges `iface` of the site, if one does (links check it). */
export async function segmentBridging(tx: Tx, orgId: string, siteId: string, iface: string) {
  const rows = await tx.l2Segment.findMany({ where: { orgId } });
  return rows.find((r) =>
    segmentView(r).members.some((m) => m.siteId === siteId && m.interface === iface),
  )?.name;
}
