import { type Actor, writeAudit } from "../../../../platform/audit/write-audit";
import type { Role, Tx } from "../../../../platform/db/client";
import { AppError, notFound } from "../../../../platform/errors";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";
import { canAssignRole } from "../../permissions";
import { assertKeepsAnOwner } from "./owner-guard";

export async function changeRole(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: { membershipId: string; role: Role },
) {
  const member = await tx.membership.findUnique({
    where: { id: input.membershipId, orgId: tenant.orgId },
  });
  if (!member) throw notFound("Member");
  if (!canAssignRole(tenant.role, input.role) || !canAssignRole(tenant.role, member.role)) {
    throw new AppError("FORBIDDEN", "Only owners can grant or take away the owner role");
  }
  if (member.role === input.role) return member;
  if (member.role === "owner") await assertKeepsAnOwner(tx, tenant.orgId, member.id);
  const updated = await tx.membership.update({
    where: { id: member.id, orgId: tenant.orgId },
    data: { role: input.role },
  });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "member.role.change",
    targetType: "membership",
    targetId: member.id,
    before: { userId: member.userId, role: member.role },
    after: { userId: member.userId, role: updated.role },
  });
  return updated;
}
