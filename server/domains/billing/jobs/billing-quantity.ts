import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { defineJob } from "../../../platform/jobs/define-job";

/**
 * Sets the payer's per-site subscription quantity to its billed site count. No jobId:
 * the handler sets an absolute number, so every enqueued run is harmless, and a run
 * enqueued after the latest change must not be deduplicated away by an older one.
 */
export const syncQuantityJob = defineJob({
  queue: "billing",
  name: "billing.sync-quantity",
  version: 1,
  payload: z.object({ orgId: zText().min(1) }),
  attempts: 8,
  backoffMs: 2_000,
});
