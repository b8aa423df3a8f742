import type { Db, Tx } from "../db/client";
import { afterCommit } from "../db/with-tenant";
import { enqueue } from "../jobs/queues";
import { log } from "../log/logger";
import { deliverEmailJob } from "./deliver-email-job";

export interface MailInput {
  to: string;
  subject: string;
  text: string;
  /** What the mail is for: verify-email, reset-password, invitation. */
  kind: string;
  /** The sender's display name (header-safe, sender.ts); null: MAIL_FROM as configured. */
  fromName?: string | null;
}

/**
 * Records the mail in the outbox (inside the caller's transaction, if any) and, once that
 * has committed, asks the worker to deliver it. The row is the durable part: if Redis is
 * briefly down, the worker's outbox sweep still finds it. Never logs the body: it carries
 * one-time links.
 */
export async function queueMail(db: Db | Tx, mail: MailInput) {
  const row = await db.mailOutbox.create({ data: mail, select: { id: true } });
  await afterCommit(db, () =>
    enqueue(deliverEmailJob, { outboxId: row.id }).catch((error: Error) => {
      log.error("mail enqueue failed; left for the outbox sweep", { outboxId: row.id, error });
    }),
  );
  return row.id;
}
