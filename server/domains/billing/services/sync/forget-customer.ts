// A customer deleted in Stripe (or unknown to it): Stripe has nothing left to mirror, so the
// org goes back to free and its next Checkout makes a new customer. The org comes from a
// hint (an event's metadata.orgId) and, like a re-sync's, it is only a claim: the org's
// account must name this customer. What is ours stays: operator plan, custom limits,
// invoices, and the grace while a failed invoice of the deleted customer is still unpaid.
import type { Db } from "../../../../platform/db/client";
import { withScope } from "../../../../platform/db/with-tenant";
import { env } from "../../../../platform/env";
import { subscriptionFields } from "./derive-state";
import { billingAudit } from "./effects";

export async function forgetCustomer(db: Db, customerId: string, orgId: string, now: Date) {
  return withScope(db, { orgId }, async (tx) => {
    const lockKey = `stripe-customer:${customerId}`;
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`;
    const before = await tx.billingAccount.findUnique({ where: { orgId } });
    // Not (or no longer) this org's customer: already forgotten, or never ours. Once only.
    if (!before || before.stripeCustomerId !== customerId) return null;
    const owing = await tx.billingInvoice.count({
      where: { orgId, failedAt: { not: null }, status: { in: ["open", "uncollectible"] } },
    });
    const grace = owing ? {} : { graceStartedAt: null, graceEndsAt: null, readOnlySince: null };
    await tx.billingAccount.update({
      where: { orgId },
      data: {
        ...subscriptionFields([], env.STRIPE_PRICE_SITE),
        ...grace,
        stripeCustomerId: null,
        syncedAt: now,
      },
    });
    await billingAudit(tx, orgId, "billing.customer_deleted", {
      targetId: customerId,
      before: {
        plan: before.planKey,
        status: before.subscriptionStatus,
        subscription: before.stripeSubscriptionId,
      },
      after: { plan: "free", graceKept: !!(owing && before.graceStartedAt) },
    });
    return orgId;
  });
}
