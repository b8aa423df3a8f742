// Re-sync one Stripe customer into its org's billing account. Webhooks only tell us WHICH
// customer changed; what changed is always read from Stripe now, so events in any order,
// repeated any number of times, end in Stripe's current state. Effects (audit entries,
// mail) are tied to changes of the stored state, so each happens once.
import type Stripe from "stripe";
import type { Db, Tx } from "../../../../platform/db/client";
import { withScope } from "../../../../platform/db/with-tenant";
import { env } from "../../../../platform/env";
import { log } from "../../../../platform/log/logger";
import { invoiceFailed, needsGrace, subscriptionFields } from "./derive-state";
import { noteDuplicates } from "./duplicates";
import { billingAudit } from "./effects";
import { type CustomerSnapshot, fetchCustomer } from "./fetch-customer";
import { forgetCustomer } from "./forget-customer";
import { mirrorInvoices } from "./mirror-invoices";
import { reconcileQuantity } from "./quantity-drift";

export type ResyncOutcome = "synced" | "superseded" | "not-ours" | "deleted";
export interface ResyncResult {
  orgId: string | null;
  outcome: ResyncOutcome;
}

type Account = NonNullable<Awaited<ReturnType<Tx["billingAccount"]["findUnique"]>>>;

/**
 * Fetches the customer from Stripe and writes what it implies. Throws when Stripe cannot be
 * reached (the webhook answers 500 and Stripe redelivers). Safe to run any number of times.
 * `orgHint`: the org an event's payload names, to find the org of a customer Stripe no
 * longer has (then reset to free, if that org's account names this customer).
 */
export async function resyncCustomer(
  db: Db,
  customerId: string,
  orgHint?: string | null,
): Promise<ResyncResult> {
  // The fetch happens outside the transaction (no connection held across HTTP calls), so
  // two re-syncs may commit out of order: the one that STARTED later wins (syncedAt).
  const [clock] = await db.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
  const startedAt = clock ? new Date(clock.now) : new Date();
  const snapshot = await fetchCustomer(customerId);
  if (!snapshot) {
    const orgId = orgHint ? await forgetCustomer(db, customerId, orgHint, startedAt) : null;
    return { orgId, outcome: "deleted" };
  }
  const orgId = snapshot.customer.metadata?.orgId;
  if (!orgId) return notOurs(customerId, null);
  return withScope(db, { orgId }, async (tx) => {
    const lockKey = `stripe-customer:${customerId}`;
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`;
    const account = await tx.billingAccount.findUnique({ where: { orgId } });
    // metadata.orgId is only a claim: the org must have recorded this customer as its own.
    if (!account || account.stripeCustomerId !== customerId) return notOurs(customerId, orgId);
    if (account.syncedAt && account.syncedAt > startedAt)
      return { orgId, outcome: "superseded" as const };
    await applySnapshot(tx, account, snapshot, startedAt);
    return { orgId, outcome: "synced" as const };
  });
}

function notOurs(customerId: string, orgId: string | null): ResyncResult {
  log.warn("Stripe customer is not the org's own; ignored", {
    component: "billing",
    customerId,
    orgId,
  });
  return { orgId: null, outcome: "not-ours" };
}

/**
 * Grace: started once by the first unpaid debt seen (a past_due/unpaid subscription or a
 * failed invoice still open or uncollectible), kept while any remains, even after the
 * subscription ended (Stripe cancels at the end of dunning), else cleared.
 */
function graceFields(before: Account, owing: boolean, now: Date) {
  if (!owing) return { graceStartedAt: null, graceEndsAt: null, readOnlySince: null };
  if (before.graceStartedAt)
    return { graceStartedAt: before.graceStartedAt, graceEndsAt: before.graceEndsAt };
  const ends = new Date(now.getTime() + env.BILLING_GRACE_DAYS * 86_400_000);
  return { graceStartedAt: now, graceEndsAt: ends };
}

/**
 * Whether the invoices that had failed were settled (paid or voided) rather than just out
 * of view: only then is a grace that ends a payment recovered.
 */
async function debtSettled(tx: Tx, orgId: string, invoices: Stripe.Invoice[]) {
  const failed = await tx.billingInvoice.findMany({
    where: { orgId, failedAt: { not: null }, status: { in: ["open", "uncollectible"] } },
    select: { id: true },
  });
  const status = new Map(invoices.map((i) => [i.id, i.status]));
  return failed.every(({ id }) => ["paid", "void"].includes(status.get(id) ?? ""));
}

async function applySnapshot(tx: Tx, before: Account, snap: CustomerSnapshot, now: Date) {
  const orgId = before.orgId;
  const fields = subscriptionFields(snap.subscriptions, env.STRIPE_PRICE_SITE);
  const owing = needsGrace(fields.subscriptionStatus) || snap.invoices.some(invoiceFailed);
  const grace = graceFields(before, owing, now);
  await tx.billingAccount.update({
    where: { orgId },
    data: { ...fields, ...grace, syncedAt: now },
  });
  if (before.planKey !== fields.planKey || before.subscriptionStatus !== fields.subscriptionStatus)
    await billingAudit(tx, orgId, "billing.plan_changed", {
      targetId: fields.stripeSubscriptionId ?? before.stripeSubscriptionId,
      before: { plan: before.planKey, status: before.subscriptionStatus },
      after: { plan: fields.planKey, status: fields.subscriptionStatus },
    });
  if (!before.graceStartedAt && grace.graceStartedAt)
    await billingAudit(tx, orgId, "billing.grace_started", {
      after: { status: fields.subscriptionStatus, graceEndsAt: grace.graceEndsAt },
    });
  if (before.graceStartedAt && !grace.graceStartedAt) {
    // Read before mirrorInvoices updates the invoices' statuses.
    const settled = await debtSettled(tx, orgId, snap.invoices);
    await billingAudit(tx, orgId, settled ? "billing.payment_recovered" : "billing.grace_ended", {
      before: { graceEndsAt: before.graceEndsAt, readOnlySince: before.readOnlySince },
      after: { status: fields.subscriptionStatus },
    });
  }
  await mirrorInvoices(tx, orgId, snap.invoices, now);
  await noteDuplicates(tx, orgId, snap.subscriptions);
  await reconcileQuantity(tx, orgId, fields);
}
