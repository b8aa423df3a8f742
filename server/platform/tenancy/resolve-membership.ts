import type { Tx } from "../db/client";
import type { Role } from "../db/generated/enums";
import { notFound } from "../errors";

export interface TenantContext {
  orgId: string;
  orgSlug: string;
  orgName: string;
  orgKind: "standard" | "msp";
  role: Role;
  /** Set when the role comes from an ancestor (MSP) org rather than this org. */
  viaOrgId: string | null;
}

const MAX_DEPTH = 8; // org trees are shallow (MSP → customer); this bounds a bad cycle

/**
 * Resolves the caller's role in the org named by `orgSlug`: a direct membership, or else
 * the role held in the nearest ancestor (an MSP acting in a customer org). An org the
 * caller has no part in is NOT_FOUND, exactly like one that does not exist.
 * Runs in a transaction scoped to the user, so RLS shows only their own memberships.
 */
export async function resolveMembership(tx: Tx, userId: string, orgSlug: string) {
  const org = await tx.organization.findUnique({ where: { slug: orgSlug } });
  if (!org) throw notFound("Organization");
  const mine = await tx.membership.findMany({
    where: { userId },
    select: { orgId: true, role: true },
  });
  const roleByOrg = new Map(mine.map((m) => [m.orgId, m.role]));
  let current: { id: string; parentId: string | null } | null = org;
  for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
    const role = roleByOrg.get(current.id);
    if (role) {
      const ctx: TenantContext = {
        orgId: org.id,
        orgSlug: org.slug,
        orgName: org.name,
        orgKind: org.kind,
        role,
        viaOrgId: current.id === org.id ? null : current.id,
      };
      return ctx;
    }
    current = current.parentId
      ? await tx.organization.findUnique({
          where: { id: current.parentId },
          select: { id: true, parentId: true },
        })
      : null;
  }
  throw notFound("Organization");
}

/**
 * Whether `orgId` is `ancestorId` or one of its descendants (an MSP's customer org): where
 * an API key of `ancestorId` may act.
 */
export async function orgWithin(tx: Tx, orgId: string, ancestorId: string) {
  let current: string | null = orgId;
  for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
    if (current === ancestorId) return true;
    const org: { parentId: string | null } | null = await tx.organization.findUnique({
      where: { id: current },
      select: { parentId: true },
    });
    current = org?.parentId ?? null;
  }
  return false;
}
