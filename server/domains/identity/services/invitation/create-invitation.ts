import { type UserActor, writeAudit } from "../../../../platform/audit/write-audit";
import type { Role, Tx } from "../../../../platform/db/client";
import { env } from "../../../../platform/env";
import { AppError } from "../../../../platform/errors";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";
import { assertQuota } from "../../../billing";
import { brandedMail } from "../../../branding";
import { canAssignRole } from "../../permissions";
import { INVITATION_TTL_MS, newInvitationToken } from "./token";

/**
 * Invites an email address with a role. A newer invitation to the same address replaces
 * the pending one. The token goes only into the email; the database keeps its hash.
 * `origin` is where the link points: the custom domain the inviter works on, else APP_URL.
 */
export async function createInvitation(
  tx: Tx,
  actor: UserActor,
  tenant: TenantContext,
  input: { email: string; role: Role },
  origin: string = env.APP_URL,
) {
  const email = input.email.toLowerCase();
  if (!canAssignRole(tenant.role, input.role)) {
    throw new AppError("FORBIDDEN", "Only owners can invite owners");
  }
  const existing = await tx.membership.findFirst({
    where: { orgId: tenant.orgId, user: { email } },
  });
  if (existing) throw new AppError("CONFLICT", `${email} is already a member`);
  await tx.invitation.updateMany({
    where: { orgId: tenant.orgId, email, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  // Pending invitations count as members; the one just replaced no longer does.
  await assertQuota(tx, tenant.orgId, "members", 1);
  const { token, tokenHash } = newInvitationToken();
  const invitation = await tx.invitation.create({
    data: {
      orgId: tenant.orgId,
      email,
      role: input.role,
      tokenHash,
      invitedById: actor.id,
      expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
    },
  });
  const url = `${origin.replace(/\/$/, "")}/invite/${token}`;
  await brandedMail(tx, {
    orgId: tenant.orgId,
    kind: "invitation",
    to: email,
    vars: { orgName: tenant.orgName, inviterEmail: actor.email, url },
  });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "invitation.create",
    targetType: "invitation",
    targetId: invitation.id,
    after: { email, role: input.role },
  });
  return invitation;
}
