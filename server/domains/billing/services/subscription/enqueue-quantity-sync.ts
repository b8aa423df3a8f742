// Called in the transaction that creates or deletes a site (or changes who pays for an org):
// once it commits, the payer's subscription quantity is brought in line by a job.
import type { Tx } from "../../../../platform/db/client";
import { afterCommit } from "../../../../platform/db/with-tenant";
import { enqueue } from "../../../../platform/jobs/queues";
import { log } from "../../../../platform/log/logger";
import { syncQuantityJob } from "../../jobs/billing-quantity";
import type { BillingState } from "../account";

export async function enqueueQuantitySync(tx: Tx, state: BillingState) {
  if (!state.enabled || !state.stripeSubscriptionId) return;
  const orgId = state.payerOrgId;
  await afterCommit(tx, () =>
    enqueue(syncQuantityJob, { orgId }).catch((error: Error) => {
      // The next site change (or the portal's re-sync) enqueues it again.
      log.error("quantity sync not enqueued", {
        component: "billing",
        orgId,
        error: error.message,
      });
    }),
  );
}
