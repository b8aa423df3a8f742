import type { Tx } from "../../../../platform/db/client";

/** Pending invitations (not accepted, revoked or expired), newest first. */
export async function listInvitations(tx: Tx, orgId: string) {
  return tx.invitation.findMany({
    where: { orgId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true, email: true, role: true, expiresAt: true, createdAt: true },
    orderBy: { createdAt: "desc" },
  });
}
