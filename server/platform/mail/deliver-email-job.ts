import { z } from "zod";
import { zText } from "../../../protocol/text";
import { defineJob } from "../jobs/define-job";

/** Delivers one row of the mail outbox (written in the same request that wanted the email). */
export const deliverEmailJob = defineJob({
  queue: "email",
  name: "email.deliver",
  version: 1,
  payload: z.object({ outboxId: zText().min(1) }),
  attempts: 5,
  backoffMs: 2_000,
  // One delivery job per outbox row, however often it is enqueued.
  jobId: (p) => `email-deliver-${p.outboxId}`,
});
