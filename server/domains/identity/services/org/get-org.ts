import { permissionsOf } from "../../../../permissions";
import type { Tx } from "../../../../platform/db/client";
import { keysetArgs, type PageQuery, pageOf } from "../../../../platform/pagination";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";

/** The current org as its member sees it: their role, what it allows, where it comes from. */
export async function getOrg(tx: Tx, tenant: TenantContext) {
  const org = await tx.organization.findUniqueOrThrow({
    where: { id: tenant.orgId },
    include: { parent: { select: { slug: true } } },
  });
  const via = tenant.viaOrgId
    ? await tx.organization.findUnique({ where: { id: tenant.viaOrgId }, select: { slug: true } })
    : null;
  return {
    id: org.id,
    slug: org.slug,
    name: org.name,
    kind: org.kind,
    role: tenant.role,
    permissions: permissionsOf(tenant.role),
    viaOrgSlug: via?.slug ?? null,
    parentSlug: org.parent?.slug ?? null,
  };
}

/** One page of the MSP's customer orgs. */
export async function listCustomerOrgs(tx: Tx, tenant: TenantContext, query: PageQuery) {
  const { where: past, ...args } = keysetArgs(query);
  const rows = await tx.organization.findMany({
    where: { parentId: tenant.orgId, ...past },
    select: { id: true, slug: true, name: true, kind: true, createdAt: true },
    ...args,
  });
  return pageOf(rows, query, (o) => o);
}
