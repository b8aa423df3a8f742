import type { z } from "zod";
import {
  deliverNotification,
  evaluateAlertsJob,
  evaluateBatch,
  notifyJob,
} from "../server/domains/alerting";
import { billingMeterJob } from "../server/domains/billing/jobs/billing-meter";
import { syncQuantityJob } from "../server/domains/billing/jobs/billing-quantity";
import { compileJob, rolloutTimeoutJob } from "../server/domains/fleet/jobs/fleet-compile";
import { webhookDeliverJob } from "../server/domains/webhooks";
import type { Db } from "../server/platform/db/client";
import { webhookPumpJob } from "../server/platform/events/jobs";
import type { JobDefinition } from "../server/platform/jobs/define-job";
import { deliverEmailJob } from "../server/platform/mail/deliver-email-job";
import { billingMeter } from "./handlers/billing-meter";
import { syncBillingQuantity } from "./handlers/billing-quantity";
import { deliverEmail } from "./handlers/deliver-email";
import { compileAndPublish, rolloutTimeout } from "./handlers/fleet";
import { deliverWebhookJob, pumpWebhookEndpoint } from "./handlers/webhooks";
import { SWEEPS } from "./sweeps";

interface Registered<P extends z.ZodType> {
  def: JobDefinition<P>;
  handle: (db: Db, payload: z.infer<P>) => Promise<unknown>;
}

const register = <P extends z.ZodType>(def: JobDefinition<P>, handle: Registered<P>["handle"]) =>
  ({ def, handle }) as Registered<z.ZodType>;

/** Every job the workers run: definition + handler. */
export const JOBS = [
  register(deliverEmailJob, (db, p) => deliverEmail(db, p.outboxId)),
  register(compileJob, (db, p) => compileAndPublish(db, p.orgId)),
  register(rolloutTimeoutJob, (db, p) => rolloutTimeout(db, p)),
  register(syncQuantityJob, (db, p) => syncBillingQuantity(db, p.orgId)),
  register(billingMeterJob, (db, p) => billingMeter(db, p.orgId)),
  register(webhookPumpJob, (db, p) => pumpWebhookEndpoint(db, p)),
  register(webhookDeliverJob, (db, p) => deliverWebhookJob(db, p)),
  register(evaluateAlertsJob, (db, p) => evaluateBatch(db, p.orgIds)),
  register(notifyJob, (db, p) => deliverNotification(db, p)),
  ...SWEEPS.map((s) => register(s.def, (db) => s.run(db))),
];
