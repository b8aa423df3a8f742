import type { Db } from "../../../../platform/db/client";
import { withScope } from "../../../../platform/db/with-tenant";
import type { OrgSummary } from "./schemas";

/**
 * The orgs a user can open: those they are a member of, and the customer orgs of any MSP
 * org they belong to (with the role held in the MSP). Feeds the org switcher.
 */
export async function listMyOrgs(db: Db, userId: string): Promise<OrgSummary[]> {
  return withScope(db, { userId }, async (tx) => {
    const memberships = await tx.membership.findMany({
      where: { userId },
      include: { org: { include: { parent: { select: { slug: true } } } } },
      orderBy: { org: { name: "asc" } },
    });
    const out: OrgSummary[] = memberships.map((m) => ({
      id: m.org.id,
      slug: m.org.slug,
      name: m.org.name,
      kind: m.org.kind,
      role: m.role,
      viaOrgSlug: null,
      parentSlug: m.org.parent?.slug ?? null,
    }));
    const direct = new Set(out.map((o) => o.id));
    const msps = memberships.filter((m) => m.org.kind === "msp");
    const children = await tx.organization.findMany({
      where: { parentId: { in: msps.map((m) => m.orgId) } },
      orderBy: { name: "asc" },
    });
    for (const child of children) {
      if (direct.has(child.id)) continue;
      const msp = msps.find((m) => m.orgId === child.parentId)!;
      out.push({
        id: child.id,
        slug: child.slug,
        name: child.name,
        kind: child.kind,
        role: msp.role,
        viaOrgSlug: msp.org.slug,
        parentSlug: msp.org.slug,
      });
    }
    return out;
  });
}

/**
 * On a custom domain, only the orgs of its org's tree: that org and its customers
 * (docs/custom-domains.md). `host` null (the main app): all of them.
 */
export function inHostTree(orgs: OrgSummary[], host: { orgId: string; slug: string } | null) {
  if (!host) return orgs;
  return orgs.filter((o) => o.id === host.orgId || o.parentSlug === host.slug);
}
