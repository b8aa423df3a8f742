// The real Stripe SDK pointed at a stub, as server/domains/billing/services/stripe-client.ts does.
import Stripe from "stripe";
import type { StripeStub } from "../../../tools/stripe-stand-in";

export function sdkFor(stub: StripeStub, key = stub.secretKey): Stripe {
  const url = new URL(stub.url);
  return new Stripe(key, {
    host: url.hostname,
    port: Number(url.port),
    protocol: "http",
    maxNetworkRetries: 0,
  });
}

/** A customer with a completed Checkout: the subscription as the SDK sees it. */
export async function subscribed(
  stripe: Stripe,
  stub: StripeStub,
  opts: { sites?: number; trialDays?: number } = {},
) {
  const customer = await stripe.customers.create({
    email: "owner@example.test",
    metadata: { orgId: "org_1" },
  });
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    client_reference_id: "org_1",
    line_items: [
      { price: stub.prices.site, quantity: opts.sites ?? 2 },
      { price: stub.prices.data },
    ],
    subscription_data: {
      metadata: { plan: "standard", orgId: "org_1" },
      ...(opts.trialDays && { trial_period_days: opts.trialDays }),
    },
    success_url: "http://portal.test/billing?session={CHECKOUT_SESSION_ID}",
    cancel_url: "http://portal.test/billing",
  });
  await stub.completeCheckout(session.id);
  const done = await stripe.checkout.sessions.retrieve(session.id);
  const subscription = await stripe.subscriptions.retrieve(String(done.subscription));
  return { customer, session: done, subscription };
}

export const typesOf = (events: Stripe.Event[]) => events.map((e) => e.type);
