import { z } from "zod";
import { zText } from "../../../protocol/text";
import { defineJob } from "../jobs/define-job";

/**
 * Hands an endpoint's due deliveries to delivery jobs, at most WEBHOOK_ENDPOINT_IN_FLIGHT at
 * once (server/domains/webhooks/delivery/dispatch.ts). Enqueued after the commit that wrote
 * deliveries, when a delivery ends, and when a retry is due; the webhook sweep finds any
 * that was lost. Not deduplicated: a kick that arrives while one runs must not be dropped,
 * and an extra pump claims nothing.
 */
export const webhookPumpJob = defineJob({
  queue: "webhook-dispatch",
  name: "webhook.pump",
  version: 1,
  payload: z.object({ orgId: zText().min(1), endpointId: zText().min(1) }),
  attempts: 3,
  backoffMs: 1_000,
  quietWhenIdle: true,
});
