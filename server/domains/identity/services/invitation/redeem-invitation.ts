import { type UserActor, writeAudit } from "../../../../platform/audit/write-audit";
import type { Db, Tx } from "../../../../platform/db/client";
import { setTxOrg, withScope } from "../../../../platform/db/with-tenant";
import { AppError, notFound } from "../../../../platform/errors";
import { assertQuota } from "../../../billing";
import { hashInvitationToken } from "./token";

/** The invitation behind a token, readable by whoever holds the token (RLS allows it). */
async function findByToken(tx: Tx, token: string) {
  const tokenHash = hashInvitationToken(token);
  const invitation = await tx.invitation.findUnique({
    where: { tokenHash },
    include: { org: { select: { name: true, slug: true } } },
  });
  if (!invitation) throw notFound("Invitation");
  const status = invitation.acceptedAt
    ? "accepted"
    : invitation.revokedAt
      ? "revoked"
      : invitation.expiresAt <= new Date()
        ? "expired"
        : "pending";
  return { invitation, status } as const;
}

/** What the accept page shows before the invitee signs in. */
export async function getInvitation(db: Db, token: string) {
  const tokenHash = hashInvitationToken(token);
  return withScope(db, { inviteTokenHash: tokenHash }, async (tx) => {
    const { invitation, status } = await findByToken(tx, token);
    return {
      email: invitation.email,
      role: invitation.role,
      orgName: invitation.org.name,
      status,
    };
  });
}

/**
 * Accepts an invitation for the signed-in user: one use, before expiry, and only by the
 * address it was sent to. The membership and the invitation's use commit together.
 */
export async function acceptInvitation(db: Db, actor: UserActor, token: string) {
  const tokenHash = hashInvitationToken(token);
  return withScope(db, { userId: actor.id, inviteTokenHash: tokenHash }, async (tx) => {
    const { invitation, status } = await findByToken(tx, token);
    if (status !== "pending") throw new AppError("BAD_REQUEST", `This invitation is ${status}`);
    if (invitation.email.toLowerCase() !== actor.email.toLowerCase()) {
      throw new AppError(
        "FORBIDDEN",
        `This invitation was sent to ${invitation.email}; sign in with that address`,
      );
    }
    await setTxOrg(tx, invitation.orgId);
    // This pending invitation is already counted as a member, so accepting adds nothing;
    // it is refused only when the org is over its limit (a downgrade) or read-only.
    await assertQuota(tx, invitation.orgId, "members", 0);
    const claimed = await tx.invitation.updateMany({
      where: { id: invitation.id, orgId: invitation.orgId, acceptedAt: null },
      data: { acceptedAt: new Date(), acceptedById: actor.id },
    });
    if (claimed.count === 0) throw new AppError("BAD_REQUEST", "This invitation is accepted");
    const already = await tx.membership.findFirst({
      where: { orgId: invitation.orgId, userId: actor.id },
    });
    if (already) throw new AppError("CONFLICT", "You are already a member of this organization");
    const membership = await tx.membership.create({
      data: { orgId: invitation.orgId, userId: actor.id, role: invitation.role },
    });
    await writeAudit(tx, actor, {
      orgId: invitation.orgId,
      action: "invitation.accept",
      targetType: "membership",
      targetId: membership.id,
      after: { userId: actor.id, role: invitation.role },
    });
    return { orgSlug: invitation.org.slug };
  });
}
