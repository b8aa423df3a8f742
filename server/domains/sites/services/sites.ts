// Sites: a place with an edge box. Its settings are intent: changing them bumps the
// org's revision and rolls out to the site's devices.

import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Prisma, Tx } from "../../../platform/db/client";
import { AppError, notFound } from "../../../platform/errors";
import { nameContains } from "../../../platform/list-filters";
import { keysetArgs, type PageQuery, pageOf } from "../../../platform/pagination";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import { assertQuota, billingState, enqueueQuantitySync } from "../../billing";
import { bumpRevision, ensureOrgCa, READ_ONLY_OK } from "../../fleet";
import { removeSiteFromSegments } from "../../overlay";
import { type SiteSettings, ZSiteSettings } from "../schemas";

export interface SiteFilter {
  /** Sites whose name contains this (any case). */
  q?: string;
}

/** One page of the org's sites, with their devices counted (active ones, and online). */
export async function listSites(tx: Tx, orgId: string, query: PageQuery & SiteFilter) {
  const { where: past, ...args } = keysetArgs(query);
  const matching = { orgId, ...nameContains(query.q) };
  const sites = await tx.site.findMany({ where: { ...matching, ...past }, ...args });
  const total = await tx.site.count({ where: matching });
  const counts = await tx.device.groupBy({
    by: ["siteId", "online"],
    where: { orgId, status: "active", siteId: { in: sites.map((s) => s.id) } },
    _count: { _all: true },
  });
  return pageOf(
    sites,
    query,
    (s) => {
      const mine = counts.filter((c) => c.siteId === s.id);
      return {
        id: s.id,
        name: s.name,
        description: s.description,
        settings: ZSiteSettings.parse(s.settings),
        devices: mine.reduce((n, c) => n + c._count._all, 0),
        online: mine.filter((c) => c.online).reduce((n, c) => n + c._count._all, 0),
        createdAt: s.createdAt,
      };
    },
    total,
  );
}

export async function getSite(tx: Tx, orgId: string, siteId: string) {
  const site = await tx.site.findUnique({ where: { id: siteId, orgId } });
  if (!site) throw notFound("Site");
  return {
    id: site.id,
    name: site.name,
    description: site.description,
    settings: ZSiteSettings.parse(site.settings),
    createdAt: site.createdAt,
  };
}

export async function requireSite(tx: Tx, orgId: string, siteId: string) {
  const site = await tx.site.findUnique({ where: { id: siteId, orgId } });
  if (!site) throw notFound("Site");
  return { ...site, settings: ZSiteSettings.parse(site.settings) };
}

async function assertNameFree(tx: Tx, orgId: string, name: string) {
  if (await tx.site.findFirst({ where: { orgId, name }, select: { id: true } }))
    throw new AppError("CONFLICT", `There is already a site named ${name}`, {
      name: "already used by another site",
    });
}

export async function createSite(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: { name: string; description: string; settings: SiteSettings },
) {
  const billing = await billingState(tx, tenant.orgId);
  await assertQuota(tx, tenant.orgId, "sites", 1, billing);
  await assertNameFree(tx, tenant.orgId, input.name);
  const site = await tx.site.create({
    data: {
      orgId: tenant.orgId,
      name: input.name,
      description: input.description,
      settings: input.settings as Prisma.InputJsonValue,
    },
  });
  await ensureOrgCa(tx, tenant.orgId);
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "site.create",
    targetType: "site",
    targetId: site.id,
    after: { name: site.name, settings: input.settings },
  });
  await bumpRevision(tx, tenant.orgId, actor, `site ${site.name} created`);
  await enqueueQuantitySync(tx, billing);
  return { id: site.id, name: site.name };
}

export async function updateSite(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: { siteId: string; name?: string; description?: string; settings?: SiteSettings },
) {
  const before = await requireSite(tx, tenant.orgId, input.siteId);
  if (input.name && input.name !== before.name) await assertNameFree(tx, tenant.orgId, input.name);
  const site = await tx.site.update({
    where: { id: before.id, orgId: tenant.orgId },
    data: {
      name: input.name,
      description: input.description,
      settings: input.settings as Prisma.InputJsonValue | undefined,
    },
  });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "site.update",
    targetType: "site",
    targetId: site.id,
    before: { name: before.name, settings: before.settings },
    after: { name: site.name, settings: site.settings as Prisma.InputJsonValue },
  });
  await bumpRevision(tx, tenant.orgId, actor, `site ${site.name} changed`);
  return { id: site.id, name: site.name };
}

export async function deleteSite(tx: Tx, actor: Actor, tenant: TenantContext, siteId: string) {
  const site = await requireSite(tx, tenant.orgId, siteId);
  const live = await tx.device.count({
    where: { orgId: tenant.orgId, siteId, status: { in: ["active", "pending"] } },
  });
  if (live > 0)
    throw new AppError("CONFLICT", `Revoke the site's ${live} device(s) before deleting it`);
  await tx.policyRule.deleteMany({ where: { orgId: tenant.orgId, siteId } });
  await forgetSiteInOverlay(tx, tenant.orgId, siteId);
  await tx.site.delete({ where: { id: siteId, orgId: tenant.orgId } });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "site.delete",
    targetType: "site",
    targetId: siteId,
    before: { name: site.name },
  });
  await bumpRevision(tx, tenant.orgId, actor, `site ${site.name} deleted`, READ_ONLY_OK);
  await enqueueQuantitySync(tx, await billingState(tx, tenant.orgId));
}

/**
 * Removes what names the site in the overlay intent: steering policies scoped to it, its
 * entries in other policies' preferred paths, its L2 segment memberships, and
 * partial-mesh pairs with it. (Its links, path events and samples go with the site row.)
 */
async function forgetSiteInOverlay(tx: Tx, orgId: string, siteId: string) {
  await tx.steeringPolicy.deleteMany({ where: { orgId, siteId } });
  const policies = await tx.steeringPolicy.findMany({
    where: { orgId },
    select: { id: true, preferred: true },
  });
  for (const p of policies) {
    const preferred = (p.preferred as { siteId?: string }[]) ?? [];
    const kept = preferred.filter((x) => x.siteId !== siteId);
    if (kept.length !== preferred.length)
      await tx.steeringPolicy.update({ where: { id: p.id, orgId }, data: { preferred: kept } });
  }
  await removeSiteFromSegments(tx, orgId, siteId);
  const settings = await tx.overlaySettings.findUnique({ where: { orgId } });
  const pairs = (settings?.sitePairs as { a: string; b: string }[] | undefined) ?? [];
  const keptPairs = pairs.filter((x) => x.a !== siteId && x.b !== siteId);
  if (settings && keptPairs.length !== pairs.length)
    await tx.overlaySettings.update({ where: { orgId }, data: { sitePairs: keptPairs } });
}
