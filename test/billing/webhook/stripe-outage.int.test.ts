// Stripe unreachable while an event is handled: the webhook answers 500 so Stripe retries,
// the event stays unprocessed, and the redelivery (once Stripe is back) processes it.

// Stripe behind a relay the test can cut, before any server module loads.
import "./lib/stub-behind-proxy";

import { afterAll, describe, expect, it } from "vitest";
import { POST } from "../../../app/api/webhooks/stripe/route";
import { stripe } from "../../../server/domains/billing/services/stripe-client";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { env } from "../../../server/platform/env";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { createOrgWithOwner } from "../../../testkit/factories/identity";
import { cutStripe, stub } from "./lib/stub-behind-proxy";

afterAll(closeQueues);

async function deliver(event: (typeof stub.events)[number]) {
  const { body, signature } = stub.sign(event);
  const res = await POST(
    new Request("http://localhost/api/webhooks/stripe", {
      method: "POST",
      headers: { "stripe-signature": signature },
      body,
    }),
  );
  return { status: res.status, json: await res.json() };
}

describe("Stripe unreachable during a webhook", () => {
  it("answers 500, keeps the event unprocessed, and processes the redelivery", async () => {
    const { org } = await createOrgWithOwner();
    const customer = await stripe().customers.create({ metadata: { orgId: org.id } });
    const account = (data?: object) =>
      withScope(getDb(), { orgId: org.id }, (tx) =>
        data
          ? tx.billingAccount.create({ data: { orgId: org.id, ...data } })
          : tx.billingAccount.findUniqueOrThrow({ where: { orgId: org.id } }),
      );
    await account({ stripeCustomerId: customer.id });
    const session = await stripe().checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: env.STRIPE_PRICE_SITE, quantity: 1 }],
      success_url: "http://localhost/done",
    });
    await stub.completeCheckout(session.id);
    const event = stub.events.find((e) => e.type === "checkout.session.completed")!;

    cutStripe(true);
    const failed = await deliver(event);
    expect(failed).toMatchObject({
      status: 500,
      json: { status: 500, detail: expect.any(String) },
    });
    const row = await getDb().stripeEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(row.processedAt).toBeNull();
    expect(await account()).toMatchObject({ planKey: "free", subscriptionStatus: null });

    cutStripe(false);
    expect(await deliver(event)).toEqual({ status: 200, json: { received: true } });
    expect(await account()).toMatchObject({ planKey: "standard", subscriptionStatus: "active" });
    const done = await getDb().stripeEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(done.processedAt).not.toBeNull();
    expect(await deliver(event)).toEqual({
      status: 200,
      json: { received: true, duplicate: true },
    });
  });
});
