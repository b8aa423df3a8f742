import type { Tx } from "../../../../platform/db/client";
import { AppError } from "../../../../platform/errors";

/**
 * Refuses to leave an org without an owner. Locks the owner rows first, so two admins
 * demoting the last two owners at the same moment cannot both succeed.
 */
export async function assertKeepsAnOwner(tx: Tx, orgId: string, losingMembershipId: string) {
  const owners = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM memberships WHERE "orgId" = ${orgId} AND role = 'owner' FOR UPDATE`;
  if (owners.length === 1 && owners[0]?.id === losingMembershipId) {
    throw new AppError("CONFLICT", "An organization needs at least one owner");
  }
}
