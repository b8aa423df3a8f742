// Free quotas hold per person, not per org: without a cap on how many free orgs one user
// may own, each new org would bring its own free sites and devices (docs/security.md).
// An MSP's customer orgs are a plan limit of the MSP (customerOrgs, quota.ts).
import type { Tx } from "../../../platform/db/client";
import { setTxOrg } from "../../../platform/db/with-tenant";
import { AppError } from "../../../platform/errors";
import { billingState } from "./account";
import { billingEnabled } from "./stripe-client";

/**
 * Top-level orgs on the free plan that one user may have created; paid orgs do not count.
 * Counted by creator, not by owner: handing an org's ownership to someone else does not
 * free a slot.
 */
export const FREE_ORGS_PER_USER = 2;

/**
 * Throws PAYMENT_REQUIRED when `userId` already created FREE_ORGS_PER_USER free top-level
 * orgs. Serialized per user, so two concurrent creations cannot both pass. Leaves the
 * transaction's org scope unset for the caller to set.
 */
export async function assertMayCreateOrg(tx: Tx, userId: string) {
  if (!billingEnabled()) return;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`orgs-of:${userId}`}, 0))`;
  const created = await tx.organization.findMany({
    where: { createdById: userId, parentId: null },
    select: { id: true },
  });
  let free = 0;
  for (const { id: orgId } of created) {
    // Row-level security shows one org's billing row per step.
    await setTxOrg(tx, orgId);
    if ((await billingState(tx, orgId)).plan.key === "free") free++;
  }
  if (free >= FREE_ORGS_PER_USER)
    throw new AppError(
      "PAYMENT_REQUIRED",
      `You already created ${free} organizations on the free plan, the most one person may. Upgrade one of them to Standard on its billing page, or delete one, to create another.`,
      { limit: "freeOrgs", max: FREE_ORGS_PER_USER, used: free, plan: "free" },
    );
}
