import type { Db } from "../server/platform/db/client";
import { enqueue } from "../server/platform/jobs/queues";
import { deliverEmailJob } from "../server/platform/mail/deliver-email-job";

/**
 * Re-enqueues outbox rows still queued after `olderThanMs`: their job was never enqueued
 * (Redis was down when the request ran) or was lost. Safe to run on every replica at once:
 * the job id is the outbox id, so BullMQ keeps one job per row.
 */
export async function sweepOutbox(db: Db, olderThanMs = 30_000) {
  const stale = await db.mailOutbox.findMany({
    where: { status: "queued", createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    select: { id: true },
    take: 500,
  });
  for (const row of stale) await enqueue(deliverEmailJob, { outboxId: row.id });
  return stale.length;
}
