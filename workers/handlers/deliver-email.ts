import type { Db } from "../../server/platform/db/client";
import { env } from "../../server/platform/env";
import { fromHeader } from "../../server/platform/mail/sender";
import { getMailTransport } from "../../server/platform/mail/transport";

/**
 * Delivers one outbox row. Idempotent: a row already sent is skipped, so a retried or
 * duplicated job never mails twice. A missing row means the request that wrote it has
 * not committed yet (or rolled back): throw, and BullMQ retries with backoff.
 */
export async function deliverEmail(db: Db, outboxId: string) {
  const mail = await db.mailOutbox.findUnique({ where: { id: outboxId } });
  if (!mail) throw new Error(`outbox row ${outboxId} not found (yet)`);
  if (mail.status === "sent") return "already-sent";
  const transport = getMailTransport();
  try {
    if (transport) {
      await transport.sendMail({
        from: fromHeader(mail.fromName, env.MAIL_FROM),
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
      });
    }
  } catch (error) {
    await db.mailOutbox.update({
      where: { id: outboxId },
      data: { status: "failed", error: (error as Error).message.slice(0, 500) },
    });
    throw error;
  }
  await db.mailOutbox.update({
    where: { id: outboxId },
    data: { status: "sent", sentAt: new Date(), error: null },
  });
  return transport ? "sent" : "recorded";
}
