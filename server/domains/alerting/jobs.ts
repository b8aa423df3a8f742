import { z } from "zod";
import { zText } from "../../../protocol/text";
import { defineJob } from "../../platform/jobs/define-job";

/**
 * Evaluates the alert rules of a few orgs, one org at a time, each in its own transaction:
 * an org that fails is logged and the others go on. The evaluation sweep fans out batches;
 * a change that may open or resolve an incident (a path event, a device going offline)
 * kicks its org at once.
 */
export const evaluateAlertsJob = defineJob({
  queue: "alerts",
  name: "alerts.evaluate",
  version: 1,
  payload: z.object({ orgIds: z.array(zText().min(1)).min(1).max(500), tick: zText().max(40) }),
  attempts: 1,
  backoffMs: 0,
  jobId: (p) => (p.orgIds.length === 1 ? `alerts-evaluate-${p.orgIds[0]}-${p.tick}` : undefined),
  concurrency: 2,
  quietWhenIdle: true,
});

/** One attempt to send one notification; its retries are the notification's own (notify/deliver.ts). */
export const notifyJob = defineJob({
  queue: "alerts",
  name: "alerts.notify",
  version: 1,
  payload: z.object({
    orgId: zText().min(1),
    notificationId: zText().min(1),
    attempt: z.number().int().min(1),
  }),
  attempts: 1,
  backoffMs: 0,
  jobId: (p) => `alerts-notify-${p.notificationId}-${p.attempt}`,
  concurrency: 32,
});
