// The address is checked again when a delivery is made, after resolving the name, and the
// connection goes to the address that was checked; redirects are not followed. No
// workers here: the test claims and runs each delivery itself, with its own DNS answers.
import "./webhook-env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverWebhook, pumpEndpoint } from "../../server/domains/webhooks";
import type { Lookup } from "../../server/domains/webhooks/delivery/resolve-target";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { env } from "../../server/platform/env";
import { closeQueues } from "../../server/platform/jobs/queues";
import { callerFor, createOrgWithOwner } from "../../testkit/factories/identity";
import { startReceiver } from "../../testkit/webhook-receiver";

const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
// A failed attempt waits a minute: the test makes the retry due itself (dueNow).
beforeAll(() => {
  Object.assign(env, { WEBHOOK_BACKOFF_BASE_MS: 120_000 });
});
afterAll(async () => {
  for (const r of receivers) await r.close();
  await closeQueues();
});

/** An endpoint on a name no real DNS knows, with one test delivery claimed and ready to run. */
async function claimedDelivery(answer: "ok" | 302 = "ok") {
  const receiver = await startReceiver(answer);
  receivers.push(receiver);
  const { owner, org, slug } = await createOrgWithOwner();
  const api = callerFor(owner);
  const { endpoint } = await api.webhook.create({
    orgSlug: slug,
    url: `http://hooks.patronus-test.invalid:${receiver.port}/hook`,
    events: ["rollout.halted"],
  });
  await api.webhook.sendTest({ orgSlug: slug, endpointId: endpoint.id });
  const run = async (lookup: Lookup) => {
    await pumpEndpoint(getDb(), org.id, endpoint.id);
    const d = await withScope(getDb(), { orgId: org.id }, (tx) =>
      tx.webhookDelivery.findFirstOrThrow({ where: { orgId: org.id, endpointId: endpoint.id } }),
    );
    await deliverWebhook(getDb(), { orgId: org.id, deliveryId: d.id, claim: d.claims }, { lookup });
    return withScope(getDb(), { orgId: org.id }, (tx) =>
      tx.webhookDelivery.findUniqueOrThrow({ where: { id: d.id, orgId: org.id } }),
    );
  };
  // The retry would be due in milliseconds: make it due now for the next run.
  const dueNow = () =>
    withScope(getDb(), { orgId: org.id }, (tx) =>
      tx.webhookDelivery.updateMany({
        where: { orgId: org.id },
        data: { nextAttemptAt: new Date(0) },
      }),
    );
  return { receiver, run, dueNow };
}

const resolvesTo =
  (address: string): Lookup =>
  async () => [{ address, family: 4 }];

describe("delivery-time address check", () => {
  it("refuses a name that resolves to a private address, and delivers once it resolves to an allowed one", async () => {
    const { receiver, run, dueNow } = await claimedDelivery();
    const refused = await run(resolvesTo("10.0.0.5"));
    expect(refused).toMatchObject({ status: "pending", attempts: 1, responseStatus: null });
    expect(refused.error).toMatch(/resolves to 10.0.0.5: a private address/);
    expect(receiver.received).toEqual([]);

    await dueNow();
    // The name exists in no DNS: the request can only have gone to the checked address.
    const delivered = await run(resolvesTo("127.0.0.1"));
    expect(delivered).toMatchObject({ status: "succeeded", attempts: 2, responseStatus: 200 });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.headers.host).toMatch(/^hooks\.patronus-test\.invalid:/);
  });

  it("does not follow a redirect", async () => {
    const { run } = await claimedDelivery(302);
    const r = await run(resolvesTo("127.0.0.1"));
    expect(r).toMatchObject({ status: "pending", responseStatus: 302 });
    expect(r.error).toMatch(/redirect .* not followed/);
  });
});
