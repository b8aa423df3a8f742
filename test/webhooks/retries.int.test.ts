// A receiver that answers 500: the delivery is retried with backoff until its retry window
// ends, then dead-lettered; replaying the dead letters delivers them once the receiver is
// fixed. The window is made short here (the product's is 24 h); nothing measures time.
import "./webhook-env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backoffMs } from "../../server/domains/webhooks/delivery/deliver";
import { getDb } from "../../server/platform/db/client";
import { env } from "../../server/platform/env";
import { closeQueues } from "../../server/platform/jobs/queues";
import { callerFor, createOrgWithOwner } from "../../testkit/factories/identity";
import { until } from "../../testkit/wait";
import { startReceiver } from "../../testkit/webhook-receiver";
import { runWorkers } from "../../workers/run-workers";

let stopWorkers: () => Promise<void>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  // Ten seconds of retries from 20 ms: several attempts, then the dead letter. (Two seconds
  // left room for one attempt only when the machine was busy.)
  Object.assign(env, { WEBHOOK_RETRY_HOURS: 10 / 3600 });
  receiver = await startReceiver(500);
  stopWorkers = runWorkers(getDb(), () => {});
});
afterAll(async () => {
  await receiver.close();
  await stopWorkers();
  await closeQueues();
});

describe("retries", () => {
  it("backs off exponentially with jitter, at most an hour", () => {
    expect(backoffMs(1, 1000, () => 1)).toBe(1000);
    expect(backoffMs(1, 1000, () => 0)).toBe(500);
    expect(backoffMs(4, 1000, () => 1)).toBe(8000);
    expect(backoffMs(40, 30_000, () => 1)).toBe(3_600_000);
  });

  it("retries a failing receiver, dead-letters the delivery, and replays it once fixed", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const api = callerFor(owner);
    const { endpoint } = await api.webhook.create({
      orgSlug: slug,
      url: receiver.url,
      events: ["rollout.halted"],
    });
    const { eventId } = await api.webhook.sendTest({ orgSlug: slug, endpointId: endpoint.id });
    const dead = await until("the delivery to be dead-lettered", async () => {
      const page = await api.webhook.deliveries({
        orgSlug: slug,
        endpointId: endpoint.id,
        status: "dead",
      });
      return page.items.find((d) => d.eventId === eventId);
    });
    expect(dead.attempts).toBeGreaterThan(1);
    expect(dead).toMatchObject({
      responseStatus: 500,
      responseExcerpt: "nope",
      nextAttemptAt: null,
    });
    expect(dead.error).toMatch(/500/);
    const sent = receiver.received.filter((r) => r.headers["patronus-webhook-id"] === eventId);
    expect(sent.length).toBe(dead.attempts);
    const [listed] = (await api.webhook.list({ orgSlug: slug })).items;
    expect(listed?.counts.dead).toBe(1);

    receiver.answer("ok");
    const { replayed } = await api.webhook.replayDead({ orgSlug: slug, endpointId: endpoint.id });
    expect(replayed).toBe(1);
    const ok = await until("the replayed delivery to succeed", async () => {
      const page = await api.webhook.deliveries({ orgSlug: slug, endpointId: endpoint.id });
      return page.items.find((d) => d.id === dead.id && d.status === "succeeded");
    });
    expect(ok).toMatchObject({ attempts: 1, responseStatus: 200, error: null });
  });
});
