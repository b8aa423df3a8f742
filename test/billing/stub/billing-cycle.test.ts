// Checkout, quantity changes, metering, renewals, failed payments and cancellation, through
// the real SDK and the stub's simulations.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { startStripeStub } from "../../../tools/stripe-stand-in";
import { sdkFor, subscribed, typesOf } from "./lib";

const stub = await startStripeStub();
const stripe = sdkFor(stub);
afterAll(() => stub.close());
let seen = 0;
/** Events since the last call. */
const newEvents = () => {
  const from = seen;
  seen = stub.events.length;
  return stub.events.slice(from);
};
beforeEach(() => {
  seen = stub.events.length;
});

describe("stripe stub billing cycle", () => {
  it("completing Checkout makes a trialing subscription, a $0 paid invoice and the events", async () => {
    const { customer, session, subscription } = await subscribed(stripe, stub, {
      sites: 3,
      trialDays: 14,
    });
    expect(session).toMatchObject({
      status: "complete",
      customer: customer.id,
      client_reference_id: "org_1",
    });
    expect(subscription).toMatchObject({
      status: "trialing",
      customer: customer.id,
      metadata: { plan: "standard" },
    });
    expect(subscription.trial_end).toBe(subscription.trial_start! + 14 * 86_400);
    const [site, data] = subscription.items.data;
    expect(site).toMatchObject({
      quantity: 3,
      price: { id: stub.prices.site, recurring: { usage_type: "licensed" } },
    });
    expect(data?.price.recurring).toMatchObject({ usage_type: "metered" });
    expect(site!.current_period_end).toBeGreaterThan(site!.current_period_start);
    const invoices = await stripe.invoices.list({ customer: customer.id });
    expect(invoices.data).toHaveLength(1);
    expect(invoices.data[0]).toMatchObject({
      status: "paid",
      amount_due: 0,
      parent: { subscription_details: { subscription: subscription.id } },
    });
    expect(typesOf(newEvents())).toEqual([
      "customer.created",
      "customer.subscription.created",
      "invoice.paid",
      "checkout.session.completed",
    ]);
    const listed = await stripe.subscriptions.list({ customer: customer.id, status: "all" });
    expect(listed.data.map((s) => s.id)).toEqual([subscription.id]);
  });

  it("the hosted Checkout page pays and redirects 303 to success_url", async () => {
    const customer = await stripe.customers.create({ email: "page@example.test" });
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: stub.prices.site, quantity: 1 }],
      success_url: "http://portal.test/done?s={CHECKOUT_SESSION_ID}",
    });
    expect(session.url).toBe(`${stub.url}/checkout/${session.id}`);
    const page = await (await fetch(session.url!)).text();
    expect(page).toContain("Pay and subscribe");
    const paid = await fetch(`${session.url}/pay`, { method: "POST", redirect: "manual" });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`http://portal.test/done?s=${session.id}`);
    const sub = (await stripe.subscriptions.list({ customer: customer.id })).data[0]!;
    expect(sub.status).toBe("active");
    const [invoice] = (await stripe.invoices.list({ customer: customer.id })).data;
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 4900 });
    expect(await (await fetch(invoice!.hosted_invoice_url!)).text()).toContain(
      `Invoice ${invoice!.number}`,
    );
  });

  it("changing the quantity emits customer.subscription.updated with the old value", async () => {
    const { subscription } = await subscribed(stripe, stub, { sites: 2 });
    const item = subscription.items.data[0]!;
    newEvents();
    const updated = await stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, quantity: 5 }],
      proration_behavior: "none",
    });
    expect(updated.items.data[0]!.quantity).toBe(5);
    const [event] = newEvents();
    expect(event?.type).toBe("customer.subscription.updated");
    expect(event?.data.previous_attributes).toHaveProperty("items");
    await stripe.subscriptionItems.update(item.id, { quantity: 5 });
    expect(newEvents()).toEqual([]); // nothing changed, nothing emitted
    const metered = subscription.items.data[1]!;
    await expect(
      stripe.subscriptionItems.update(metered.id, { quantity: 1 }),
    ).rejects.toMatchObject({ param: "quantity" });
  });

  it("meter events: validated, and a repeated identifier counts once", async () => {
    const { customer } = await subscribed(stripe, stub);
    const send = (identifier: string, value: string) =>
      stripe.billing.meterEvents.create({
        event_name: stub.meterEventName,
        identifier,
        payload: { stripe_customer_id: customer.id, value },
      });
    const first = await send("usage:org_1:2026-11-01T10", "150000");
    const again = await send("usage:org_1:2026-11-01T10", "150000");
    expect(again).toEqual(first);
    expect(stub.meterEvents().filter((m) => m.customer === customer.id)).toEqual([
      expect.objectContaining({ identifier: "usage:org_1:2026-11-01T10", value: 150000 }),
    ]);
    await expect(send("bad-value", "lots")).rejects.toMatchObject({ param: "payload[value]" });
    const wrongName = stripe.billing.meterEvents.create({
      event_name: "other",
      payload: { stripe_customer_id: customer.id, value: "1" },
    });
    await expect(wrongName).rejects.toMatchObject({ param: "event_name" });
    const unknown = stripe.billing.meterEvents.create({
      event_name: stub.meterEventName,
      payload: { stripe_customer_id: "cus_nope", value: "1" },
    });
    await expect(unknown).rejects.toMatchObject({
      statusCode: 404,
      param: "payload[stripe_customer_id]",
    });
  });

  it("renew with a declining card: payment_failed, past_due; paying later makes it active", async () => {
    const { customer, subscription } = await subscribed(stripe, stub, { sites: 2 });
    const before = subscription.items.data[0]!.current_period_end;
    await stripe.billing.meterEvents.create({
      event_name: stub.meterEventName,
      identifier: `u-${customer.id}`,
      payload: { stripe_customer_id: customer.id, value: "300000" },
    });
    stub.failPayments(customer.id);
    newEvents();
    const invoice = await stub.renew(subscription.id);
    // 2 sites x $49 + (300000 - 100000 free) MB x 0.005 cents
    expect(invoice).toMatchObject({
      status: "open",
      amount_due: 2 * 4900 + 1000,
      attempt_count: 1,
    });
    expect(typesOf(newEvents())).toEqual([
      "invoice.payment_failed",
      "customer.subscription.updated",
    ]);
    const pastDue = await stripe.subscriptions.retrieve(subscription.id);
    expect(pastDue.status).toBe("past_due");
    expect(pastDue.items.data[0]!.current_period_start).toBe(before);

    expect((await stub.payInvoice(invoice.id)).status).toBe("open");
    expect(typesOf(newEvents())).toEqual(["invoice.payment_failed"]);
    await expect(stripe.invoices.pay(invoice.id)).rejects.toMatchObject({
      type: "StripeCardError",
      code: "card_declined",
    });
    newEvents();

    stub.failPayments(customer.id, false);
    const paid = await stub.payInvoice(invoice.id);
    expect(paid).toMatchObject({ status: "paid", amount_paid: paid.amount_due });
    expect(paid.status_transitions.paid_at).not.toBeNull();
    expect(typesOf(newEvents())).toEqual(["invoice.paid", "customer.subscription.updated"]);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
    const open = await stripe.invoices.list({ customer: customer.id, status: "open" });
    expect(open.data).toEqual([]);
  });

  it("cancel emits customer.subscription.deleted; the API's DELETE cancels too", async () => {
    const { subscription } = await subscribed(stripe, stub);
    newEvents();
    await stub.cancel(subscription.id);
    expect(typesOf(newEvents())).toEqual(["customer.subscription.deleted"]);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("canceled");
    await stub.cancel(subscription.id); // idempotent
    expect(newEvents()).toEqual([]);
    const other = await subscribed(stripe, stub);
    const canceled = await stripe.subscriptions.cancel(other.subscription.id);
    expect(canceled).toMatchObject({ status: "canceled" });
    const update = stripe.subscriptions.update(canceled.id, { cancel_at_period_end: true });
    await expect(update).rejects.toMatchObject({ statusCode: 400 });
  });

  it("the portal page updates a declining card (paying open invoices) and cancels", async () => {
    const { customer, subscription } = await subscribed(stripe, stub);
    stub.failPayments(customer.id);
    const invoice = await stub.renew(subscription.id);
    const portal = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: "http://portal.test/billing",
    });
    expect(portal.url).toBe(`${stub.url}/portal/${portal.id}`);
    const page = await (await fetch(portal.url)).text();
    for (const text of [
      "Update payment method",
      "Cancel subscription",
      'href="http://portal.test/billing"',
    ])
      expect(page).toContain(text);
    const fix = await fetch(`${portal.url}/payment-method`, { method: "POST", redirect: "manual" });
    expect(fix.status).toBe(303);
    expect((await stripe.invoices.retrieve(invoice.id)).status).toBe("paid");
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
    await fetch(`${portal.url}/cancel`, { method: "POST", redirect: "manual" });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("canceled");
  });

  it("exposes the simulations and state over HTTP", async () => {
    const { customer, subscription } = await subscribed(stripe, stub);
    const post = (path: string, body?: object) =>
      fetch(`${stub.url}${path}`, { method: "POST", body: body && JSON.stringify(body) }).then(
        (r) => r.json(),
      );
    expect(await post(`/_stub/customers/${customer.id}/fail-payments`, { on: true })).toEqual({
      customer: customer.id,
      failing: true,
    });
    const invoice = await post(`/_stub/subscriptions/${subscription.id}/renew`);
    expect(invoice.status).toBe("open");
    await post(`/_stub/customers/${customer.id}/fail-payments`, { on: false });
    expect((await post(`/_stub/invoices/${invoice.id}/pay`)).status).toBe("paid");
    expect((await post(`/_stub/subscriptions/${subscription.id}/cancel`)).status).toBe("canceled");
    const state = await (await fetch(`${stub.url}/_stub/state`)).json();
    expect(state.subscriptions.find((s: { id: string }) => s.id === subscription.id).status).toBe(
      "canceled",
    );
    const events = await (await fetch(`${stub.url}/_stub/events`)).json();
    expect(events.length).toBe(stub.events.length);
    const missing = await fetch(`${stub.url}/_stub/subscriptions/sub_nope/renew`, {
      method: "POST",
    });
    expect(missing.status).toBe(404);
  });
});
