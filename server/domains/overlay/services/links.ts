// WAN links of a site: the underlays the overlay builds its paths on. Intent: every
// change bumps the revision (paths appear or go at both ends of each pair).

import type { Actor } from "../../../platform/audit/write-audit";
import type { Tx, WanLink } from "../../../platform/db/client";
import { AppError } from "../../../platform/errors";
import { intentRows, othersInOrg } from "../../../platform/features/intent-rows";
import { nameContains } from "../../../platform/list-filters";
import { keysetArgs, type PageQuery, pageOf } from "../../../platform/pagination";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import { requireSite } from "../../sites";
import type { OverlayIntent } from "../intent-schema";
import type { WanLinkInput } from "../schemas";
import { segmentBridging } from "./segments";

type LinkRow = OverlayIntent["links"][number];

// Names are unique per site, not per org: assertFree below, not links.assertNameFree.
const links = intentRows({
  model: (tx) => tx.wanLink,
  noun: "a link",
  audit: "overlay.link",
  targetType: "wan_link",
});

export const linkView = (l: WanLink): LinkRow => ({
  id: l.id,
  siteId: l.siteId,
  name: l.name,
  kind: l.kind as LinkRow["kind"],
  interface: l.interface,
  gateway: l.gateway,
  publicAddress: l.publicAddress,
  cost: l.cost,
  upMbps: l.upMbps,
  downMbps: l.downMbps,
  metered: l.metered,
  enabled: l.enabled,
});

/** One page of a site's links; `q`: names that contain it (any case). */
export async function listLinks(
  tx: Tx,
  orgId: string,
  siteId: string,
  query: PageQuery & { q?: string },
) {
  await requireSite(tx, orgId, siteId);
  const { where: past, ...args } = keysetArgs(query);
  const rows = await tx.wanLink.findMany({
    where: { orgId, siteId, ...nameContains(query.q), ...past },
    ...args,
  });
  return pageOf(rows, query, linkView);
}

export const getLink = async (tx: Tx, orgId: string, linkId: string) =>
  linkView(await links.find(tx, orgId, linkId));

/** Names and interfaces are unique per site (a box has one eth0). */
async function assertFree(tx: Tx, orgId: string, input: WanLinkInput, except?: string) {
  const clash = await tx.wanLink.findFirst({
    where: {
      ...othersInOrg(orgId, except),
      siteId: input.siteId,
      OR: [{ name: input.name }, { interface: input.interface }],
    },
  });
  if (clash?.name === input.name)
    throw new AppError("CONFLICT", `The site already has a link named ${input.name}`, {
      name: "already used by another link of this site",
    });
  if (clash)
    throw new AppError(
      "CONFLICT",
      `Interface ${input.interface} is already used by link ${clash.name}`,
      { interface: "already used by another link of this site" },
    );
  const segment = await segmentBridging(tx, orgId, input.siteId, input.interface);
  if (segment)
    throw new AppError(
      "CONFLICT",
      `Interface ${input.interface} is bridged into L2 segment ${segment}`,
      { interface: "already used by an L2 segment of this site" },
    );
}

const toRow = ({ siteId: _s, ...l }: WanLinkInput) => l;

export async function createLink(tx: Tx, actor: Actor, tenant: TenantContext, input: WanLinkInput) {
  const site = await requireSite(tx, tenant.orgId, input.siteId);
  await assertFree(tx, tenant.orgId, input);
  const link = await tx.wanLink.create({
    data: { orgId: tenant.orgId, siteId: site.id, ...toRow(input) },
  });
  const revision = await links.record(tx, actor, tenant.orgId, "create", {
    id: link.id,
    after: input,
    reason: `link ${link.name} added to ${site.name}`,
  });
  return { id: link.id, revision };
}

export async function updateLink(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  linkId: string,
  input: WanLinkInput,
) {
  const before = await links.find(tx, tenant.orgId, linkId);
  // Path ids are made of link ids: a link that moved would silently rename paths.
  if (input.siteId !== before.siteId)
    throw new AppError("BAD_REQUEST", "A link cannot move to another site; delete and add it", {
      siteId: "must be the link's own site",
    });
  await assertFree(tx, tenant.orgId, input, linkId);
  await tx.wanLink.update({ where: { id: linkId, orgId: tenant.orgId }, data: toRow(input) });
  const revision = await links.record(tx, actor, tenant.orgId, "update", {
    id: linkId,
    before: linkView(before),
    after: input,
    reason: `link ${input.name} changed`,
  });
  return { id: linkId, revision };
}

export async function deleteLink(tx: Tx, actor: Actor, tenant: TenantContext, linkId: string) {
  const before = await links.find(tx, tenant.orgId, linkId);
  await tx.wanLink.delete({ where: { id: linkId, orgId: tenant.orgId } });
  const revision = await links.record(tx, actor, tenant.orgId, "delete", {
    id: linkId,
    before: linkView(before),
    reason: `link ${before.name} removed`,
  });
  return { revision };
}
