import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { closeQueues, getQueue } from "../../../server/platform/jobs/queues";
import { deliverEmailJob } from "../../../server/platform/mail/deliver-email-job";
import { queueMail } from "../../../server/platform/mail/queue-mail";
import { uid } from "../../../testkit/factories/identity";
import { until } from "../../../testkit/wait";
import { runWorkers } from "../../../workers/run-workers";
import { sweepOutbox } from "../../../workers/sweep-outbox";

afterAll(closeQueues);

describe("email delivery through BullMQ", () => {
  it("a worker marks queued mail as sent, once", async () => {
    const stop = runWorkers(getDb(), () => {});
    try {
      const to = `mail-${uid()}@example.test`;
      const id = await queueMail(getDb(), { to, subject: "Hi", text: "Hello", kind: "test" });
      const sent = await until("the mail to be sent", async () => {
        const row = await getDb().mailOutbox.findUnique({ where: { id } });
        return row?.status === "sent" ? row : null;
      });
      expect(sent.sentAt).toBeInstanceOf(Date);
    } finally {
      await stop();
    }
  });
});

describe("outbox sweep", () => {
  it("re-enqueues mail whose job was lost, and it is then delivered", async () => {
    const to = `lost-${uid()}@example.test`;
    // Written without a job, as if Redis had been down.
    const row = await getDb().mailOutbox.create({
      data: {
        to,
        subject: "Lost",
        text: "x",
        kind: "test",
        createdAt: new Date(Date.now() - 60_000),
      },
    });
    expect(await sweepOutbox(getDb())).toBeGreaterThanOrEqual(1);
    const stop = runWorkers(getDb(), () => {});
    try {
      await until("the lost mail to be sent", async () => {
        const r = await getDb().mailOutbox.findUnique({ where: { id: row.id } });
        return r?.status === "sent";
      });
    } finally {
      await stop();
    }
  });
});

describe("mail queued inside a transaction", () => {
  it("is enqueued only after commit, and not at all on rollback", async () => {
    const to = `rollback-${uid()}@example.test`;
    let outboxId = "";
    await expect(
      withScope(getDb(), {}, async (tx) => {
        outboxId = await queueMail(tx, { to, subject: "x", text: "x", kind: "test" });
        expect(
          await getQueue(deliverEmailJob.queue).getJob(`email-deliver-${outboxId}`),
        ).toBeUndefined();
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await getDb().mailOutbox.findUnique({ where: { id: outboxId } })).toBeNull();
    expect(
      await getQueue(deliverEmailJob.queue).getJob(`email-deliver-${outboxId}`),
    ).toBeUndefined();

    const committed = await withScope(getDb(), {}, (tx) =>
      queueMail(tx, { to, subject: "x", text: "x", kind: "test" }),
    );
    expect(
      await getQueue(deliverEmailJob.queue).getJob(`email-deliver-${committed}`),
    ).toBeDefined();
  });
});
