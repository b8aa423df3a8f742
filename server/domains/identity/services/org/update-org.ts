import { type Actor, writeAudit } from "../../../../platform/audit/write-audit";
import type { Tx } from "../../../../platform/db/client";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";

export async function updateOrg(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: { name?: string; slug?: string },
) {
  const before = await tx.organization.findUniqueOrThrow({ where: { id: tenant.orgId } });
  const org = await tx.organization.update({ where: { id: tenant.orgId }, data: input });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "org.update",
    targetType: "organization",
    targetId: org.id,
    before: { name: before.name, slug: before.slug },
    after: { name: org.name, slug: org.slug },
  });
  return org;
}
