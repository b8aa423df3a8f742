import type { Tx } from "../../../../platform/db/client";
import { keysetArgs, type PageQuery, pageOf } from "../../../../platform/pagination";

/** One page of the pending invitations (not accepted, revoked or expired). */
export async function listInvitations(tx: Tx, orgId: string, query: PageQuery) {
  const { where: past, ...args } = keysetArgs(query);
  const rows = await tx.invitation.findMany({
    where: { orgId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() }, ...past },
    select: { id: true, email: true, role: true, expiresAt: true, createdAt: true },
    ...args,
  });
  return pageOf(rows, query, (i) => i);
}
