// Sets the per-site subscription item's quantity to the number of sites billed. Sets an
// absolute number, so running it twice, late or concurrently is harmless: every job that
// changes the quantity checks again afterwards, and stops only when Stripe's quantity
// equals a count taken after its own update landed.
import type { Db } from "../../../../platform/db/client";
import { withScope } from "../../../../platform/db/with-tenant";
import { payerSiteCount } from "../portal/payer-sites";
import { stripe } from "../stripe-client";
import { billingAudit } from "../sync/effects";

const MAX_ROUNDS = 5;

export type QuantitySync =
  | { status: "no-subscription" }
  | { status: "unchanged" | "updated"; quantity: number; sites: number };

export async function syncQuantity(db: Db, payerOrgId: string): Promise<QuantitySync> {
  const account = await withScope(db, { orgId: payerOrgId }, (tx) =>
    tx.billingAccount.findUnique({ where: { orgId: payerOrgId } }),
  );
  const subscriptionId = account?.stripeSubscriptionId;
  const itemId = account?.siteItemId;
  if (!subscriptionId || !itemId) return { status: "no-subscription" };
  let updated = false;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const sites = await withScope(db, { orgId: payerOrgId }, (tx) =>
      payerSiteCount(tx, payerOrgId),
    );
    const wanted = Math.max(1, sites); // Stripe bills a minimum of one site
    const subscription = await stripe().subscriptions.retrieve(subscriptionId);
    const item = subscription.items.data.find((i) => i.id === itemId);
    if (!item || ["canceled", "incomplete_expired"].includes(subscription.status))
      return { status: "no-subscription" };
    if (item.quantity === wanted)
      return { status: updated ? "updated" : "unchanged", quantity: wanted, sites };
    await stripe().subscriptionItems.update(itemId, {
      quantity: wanted,
      proration_behavior: "create_prorations",
    });
    updated = true;
    await withScope(db, { orgId: payerOrgId }, async (tx) => {
      await tx.billingAccount.update({
        where: { orgId: payerOrgId },
        data: { siteQuantity: wanted },
      });
      await billingAudit(tx, payerOrgId, "billing.quantity_changed", {
        by: "system",
        targetId: itemId,
        before: { quantity: item.quantity ?? null },
        after: { quantity: wanted, sites },
      });
    });
  }
  throw new Error(`site quantity of ${payerOrgId} kept changing; the job will retry`);
}
