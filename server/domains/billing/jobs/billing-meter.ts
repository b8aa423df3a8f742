import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { defineJob } from "../../../platform/jobs/define-job";

/**
 * Reports an org's closed hours of data transfer to Stripe's meter (server/domains/billing/services/usage/
 * meter.ts). No jobId: the meter is idempotent (one usage_reports row and one identifier
 * per org and hour), and a kept completed job must not swallow a later run.
 */
export const billingMeterJob = defineJob({
  queue: "billing",
  name: "billing.meter",
  version: 1,
  payload: z.object({ orgId: zText().min(1) }),
  attempts: 5,
  backoffMs: 5_000,
});
