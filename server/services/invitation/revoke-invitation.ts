import type { Tx } from "../../db/client";
import { notFound } from "../../errors";
import type { TenantContext } from "../../tenancy/resolve-membership";
import { type Actor, writeAudit } from "../audit/write-audit";

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
