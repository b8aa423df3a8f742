import type { Tx } from "../../../../platform/db/client";
import { afterCommit } from "../../../../platform/db/with-tenant";
import { enqueue } from "../../../../platform/jobs/queues";
import { log } from "../../../../platform/log/logger";
import { syncQuantityJob } from "../../jobs/billing-quantity";

/**
 * Once `tx` commits, brings each payer's per-site quantity in line (docs/billing.md,
 * "Subscription quantity"). Payers without a subscription have no quantity to set.
 */
export async function syncQuantityLater(
  tx: Tx,
  payers: { orgId: string; subscriptionId: string | null }[],
) {
  for (const { orgId, subscriptionId } of payers) {
    if (!subscriptionId) continue;
    await afterCommit(tx, () =>
      enqueue(syncQuantityJob, { orgId }).catch((error: Error) => {
        // The next site change enqueues it again; the mode change itself stands.
        log.error("quantity sync not enqueued", {
          component: "billing",
          orgId,
          error: error.message,
        });
      }),
    );
  }
}
