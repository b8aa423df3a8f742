// Class 13 of the hardening issue (second half): the Stripe webhook refuses a signature
// whose timestamp is too far in the future, as it does one too far in the past. Before the
// fix a signature made for later was accepted.

// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../testkit/stripe-env";

import Stripe from "stripe";
import { afterAll, describe, expect, it } from "vitest";
import { stripeWebhookHandler } from "../../server/api/handlers";
import { getDb } from "../../server/platform/db/client";
import { closeQueues } from "../../server/platform/jobs/queues";
import { stub } from "../../testkit/stripe-env";

afterAll(closeQueues);

function deliverAt(timestamp: number) {
  const event = {
    id: `evt_replay_${timestamp}_${Math.random().toString(36).slice(2)}`,
    object: "event",
    type: "payout.paid",
    data: { object: { object: "payout", id: "po_1" } },
  };
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: stub.webhookSecret,
    timestamp,
  });
  return {
    id: event.id,
    res: stripeWebhookHandler(
      new Request("http://localhost/api/webhooks/stripe", {
        method: "POST",
        headers: { "stripe-signature": signature },
        body: payload,
      }),
    ),
  };
}

describe("Stripe webhook timestamps", () => {
  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    ["an hour ahead", 3600],
    ["a day ahead", 86_400],
    ["an hour old", -3600],
  ])("refuses a signature made %s, storing nothing", async (_name, offset) => {
    const { id, res } = deliverAt(now() + offset);
    const answer = await res;
    expect(answer.status).toBe(400);
    expect(await getDb().stripeEvent.findUnique({ where: { id } })).toBeNull();
  });

  it("accepts one made now (and a little clock skew)", async () => {
    for (const offset of [0, 60]) {
      const { res } = deliverAt(now() + offset);
      expect((await res).status).toBe(200);
    }
  });
});
