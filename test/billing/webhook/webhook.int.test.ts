// The Stripe webhook as an HTTP contract, through the route handler the portal mounts:
// what it refuses, what it records, and that the payload is only a pointer to a customer
// whose state is read back from Stripe.

// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../../testkit/stripe-env";

import Stripe from "stripe";
import { afterAll, describe, expect, it } from "vitest";
import { POST } from "../../../app/api/webhooks/stripe/route";
import { stripe } from "../../../server/domains/billing/services/stripe-client";
import { getDb } from "../../../server/platform/db/client";
import { closeQueues } from "../../../server/platform/jobs/queues";
import {
  accountOf,
  asOrg,
  auditOf,
  billedOrg,
  deliver,
  deliverSince,
  subscribe,
} from "../../../testkit/factories/billing";
import { stub } from "../../../testkit/stripe-env";

afterAll(closeQueues);

const post = (body: string, signature?: string) =>
  POST(
    new Request("http://localhost/api/webhooks/stripe", {
      method: "POST",
      headers: signature ? { "stripe-signature": signature } : {},
      body,
    }),
  );

const eventRow = (id: string) => getDb().stripeEvent.findUnique({ where: { id } });

describe("Stripe webhook", () => {
  it("refuses a bad or missing signature with 400 and stores nothing", async () => {
    await billedOrg();
    const event = stub.events.at(-1)!;
    const { body, signature } = stub.sign(event);
    const forged = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: "whsec_x" });
    for (const [name, res] of [
      ["forged", await post(body, forged)],
      ["tampered", await post(body.replace(event.id, `${event.id}x`), signature)],
      ["missing", await post(body)],
      ["garbage header", await post(body, "nonsense")],
    ] as const) {
      expect(res.status, name).toBe(400);
      expect(res.headers.get("content-type"), name).toBe("application/problem+json");
      expect(await res.json(), name).toMatchObject({ status: 400, detail: expect.any(String) });
    }
    expect(await eventRow(event.id)).toBeNull();
  });

  it("refuses a validly signed body that is not JSON with 400", async () => {
    const body = "{not json";
    const signature = Stripe.webhooks.generateTestHeaderString({
      payload: body,
      secret: stub.webhookSecret,
    });
    const res = await post(body, signature);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      status: 400,
      detail: "The payload is not valid JSON",
    });
  });

  it("refuses a body declared larger than 1 MB before reading it, and one that is (413)", async () => {
    const event = stub.events.at(-1) ?? ({ id: "evt_x" } as Stripe.Event);
    const { body, signature } = stub.sign(event);
    const declared = await POST(
      new Request("http://localhost/api/webhooks/stripe", {
        method: "POST",
        headers: { "stripe-signature": signature, "content-length": "2000000" },
        body,
      }),
    );
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE" });
    const big = await post(" ".repeat(1_000_001), signature);
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE" });
  });

  it("records unknown event types and answers 200", async () => {
    const event = {
      id: `evt_unknown_${Date.now()}`,
      object: "event",
      type: "payout.paid",
      data: { object: { object: "payout", id: "po_1" } },
    };
    const { body, signature } = stub.sign(event as unknown as Stripe.Event);
    const res = await post(body, signature);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true });
    expect(await eventRow(event.id)).toMatchObject({
      type: "payout.paid",
      customerId: null,
      processedAt: expect.any(Date),
    });
  });

  it("re-syncs the customer from Stripe, and a duplicate is a no-op", async () => {
    const org = await billedOrg();
    const from = stub.events.length;
    await subscribe(org, { sites: 2 });
    const events = await deliverSince(from);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        "customer.subscription.created",
        "invoice.paid",
        "checkout.session.completed",
      ]),
    );
    const account = await accountOf(org.orgId);
    expect(account).toMatchObject({
      planKey: "standard",
      subscriptionStatus: "active",
      siteQuantity: 2,
      siteItemId: expect.stringMatching(/^si_/),
      graceEndsAt: null,
    });
    const invoices = await asOrg(org.orgId, (tx) =>
      tx.billingInvoice.findMany({ where: { orgId: org.orgId } }),
    );
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({
      status: "paid",
      amountPaid: 9800,
      paidAt: expect.any(Date),
    });

    for (const event of events) {
      const again = await deliver(event);
      expect(again).toEqual({ status: 200, json: { received: true, duplicate: true } });
    }
    expect(await auditOf(org.orgId, "billing.plan_changed")).toHaveLength(1);
    expect(await auditOf(org.orgId, "billing.invoice_paid")).toHaveLength(1);
    const rows = await getDb().stripeEvent.findMany({
      where: { id: { in: events.map((e) => e.id) } },
    });
    expect(rows).toHaveLength(events.length);
    expect(rows.every((r) => r.processedAt && r.customerId === org.customerId)).toBe(true);
  });

  it("ignores an event for a customer that is not the org's own", async () => {
    const victim = await billedOrg();
    const before = await accountOf(victim.orgId);
    // Someone's customer claims the victim's org id in its metadata.
    const rogue = await stripe().customers.create({ metadata: { orgId: victim.orgId } });
    const from = stub.events.length;
    await subscribe({ orgId: victim.orgId, customerId: rogue.id });
    const events = await deliverSince(from);
    expect(events.length).toBeGreaterThan(0);
    expect(await accountOf(victim.orgId)).toEqual(before);
    const invoices = await asOrg(victim.orgId, (tx) =>
      tx.billingInvoice.count({ where: { orgId: victim.orgId } }),
    );
    expect(invoices).toBe(0);
    expect(await auditOf(victim.orgId, "billing.plan_changed")).toHaveLength(0);
  });
});
