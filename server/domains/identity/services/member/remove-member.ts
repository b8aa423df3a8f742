import { type Actor, writeAudit } from "../../../../platform/audit/write-audit";
import type { Tx } from "../../../../platform/db/client";
import { AppError, notFound } from "../../../../platform/errors";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";
import { assertKeepsAnOwner } from "./owner-guard";

export async function removeMember(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: { membershipId: string },
) {
  const member = await tx.membership.findUnique({
    where: { id: input.membershipId, orgId: tenant.orgId },
  });
  if (!member) throw notFound("Member");
  if (member.role === "owner") {
    if (tenant.role !== "owner") throw new AppError("FORBIDDEN", "Only owners can remove an owner");
    await assertKeepsAnOwner(tx, tenant.orgId, member.id);
  }
  await tx.membership.delete({ where: { id: member.id, orgId: tenant.orgId } });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "member.remove",
    targetType: "membership",
    targetId: member.id,
    before: { userId: member.userId, role: member.role },
  });
}
