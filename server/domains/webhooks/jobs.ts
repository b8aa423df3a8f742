import { z } from "zod";
import { zText } from "../../../protocol/text";
import { defineJob } from "../../platform/jobs/define-job";

/**
 * One HTTP attempt of one claimed delivery. Its retries are the delivery's own (backoff,
 * dead letter: delivery/deliver.ts), not BullMQ's. The claim number in the id makes each
 * claim one job; a job of an earlier claim finds the delivery moved on and does nothing.
 */
export const webhookDeliverJob = defineJob({
  queue: "webhooks",
  name: "webhook.deliver",
  version: 1,
  payload: z.object({
    orgId: zText().min(1),
    deliveryId: zText().min(1),
    claim: z.number().int().min(1),
  }),
  attempts: 1,
  backoffMs: 0,
  jobId: (p) => `webhook-deliver-${p.deliveryId}-${p.claim}`,
  // Each job mostly waits on a receiver (up to WEBHOOK_TIMEOUT_MS): many run at once, and
  // an endpoint holds at most WEBHOOK_ENDPOINT_IN_FLIGHT of them.
  concurrency: 64,
});
