// The per-site quantity can drift from the site count: changed in Stripe's dashboard, a
// site added while Checkout was open, a quantity job that gave up. Every re-sync compares
// them and, when they differ, leaves the fix to the quantity job (docs/billing.md,
// "Subscription quantity"), which rereads both and converges.
import type { Tx } from "../../../../platform/db/client";
import { afterCommit } from "../../../../platform/db/with-tenant";
import { enqueue } from "../../../../platform/jobs/queues";
import { log } from "../../../../platform/log/logger";
import { syncQuantityJob } from "../../jobs/billing-quantity";
import { payerSiteCount } from "../portal/payer-sites";
import type { SubscriptionFields } from "./derive-state";

/** Runs in the re-sync's transaction, scoped to the payer `orgId`. */
export async function reconcileQuantity(tx: Tx, orgId: string, fields: SubscriptionFields) {
  if (!fields.siteItemId) return;
  const wanted = Math.max(1, await payerSiteCount(tx, orgId)); // Stripe bills at least one
  if (fields.siteQuantity === wanted) return;
  await afterCommit(tx, () =>
    enqueue(syncQuantityJob, { orgId }).catch((error: Error) => {
      // The next re-sync (any webhook of this customer) finds the drift again.
      log.error("quantity sync not enqueued", {
        component: "billing",
        orgId,
        error: error.message,
      });
    }),
  );
}
