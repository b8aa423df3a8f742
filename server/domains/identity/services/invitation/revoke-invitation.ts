import { type Actor, writeAudit } from "../../../../platform/audit/write-audit";
import type { Tx } from "../../../../platform/db/client";
import { notFound } from "../../../../platform/errors";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";

export async function revokeInvitation(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: { invitationId: string },
) {
  const result = await tx.invitation.updateMany({
    where: { id: input.invitationId, orgId: tenant.orgId, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (result.count === 0) throw notFound("Invitation");
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "invitation.revoke",
    targetType: "invitation",
    targetId: input.invitationId,
  });
}
