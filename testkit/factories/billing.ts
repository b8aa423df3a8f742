// Fixtures of the billing tests: orgs with a Stripe customer made the way the portal makes
// one (metadata.orgId + the account's stripeCustomerId), subscriptions bought through the
// stub's hosted Checkout, and webhook deliveries through the real route handler.
import type Stripe from "stripe";
import { POST } from "../../app/api/webhooks/stripe/route";
import { stripe } from "../../server/domains/billing/services/stripe-client";
import { getDb, type Tx } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { env } from "../../server/platform/env";
import { stub } from "../stripe-env";
import { callerFor, createOrgWithOwner } from "./identity";

export { stub };

export const asOrg = <T>(orgId: string, fn: (tx: Tx) => Promise<T>) =>
  withScope(getDb(), { orgId }, fn);

/** An org with an owner and its own Stripe customer, not subscribed yet. */
export async function billedOrg(kind: "standard" | "msp" = "standard") {
  const o = await createOrgWithOwner(kind);
  const orgId = o.org.id;
  const customer = await stripe().customers.create({
    email: o.owner.email,
    name: o.org.name,
    metadata: { orgId },
  });
  await asOrg(orgId, (tx) =>
    tx.billingAccount.upsert({
      where: { orgId },
      create: { orgId, stripeCustomerId: customer.id },
      update: { stripeCustomerId: customer.id },
    }),
  );
  return { ...o, orgId, customerId: customer.id, api: callerFor(o.owner) };
}
export type BilledOrg = Awaited<ReturnType<typeof billedOrg>>;

/** Buys the standard plan through Checkout (the hosted page's Pay button); the subscription. */
export async function subscribe(
  org: { orgId: string; customerId: string },
  opts: { sites?: number; trialDays?: number; plan?: string } = {},
) {
  const session = await stripe().checkout.sessions.create({
    mode: "subscription",
    customer: org.customerId,
    line_items: [
      { price: env.STRIPE_PRICE_SITE, quantity: opts.sites ?? 1 },
      { price: env.STRIPE_PRICE_DATA },
    ],
    subscription_data: {
      metadata: { plan: opts.plan ?? "standard", orgId: org.orgId },
      ...(opts.trialDays ? { trial_period_days: opts.trialDays } : {}),
    },
    success_url: "http://localhost/billing?session={CHECKOUT_SESSION_ID}",
    cancel_url: "http://localhost/billing",
  });
  await stub.completeCheckout(session.id);
  return currentSubscription(org.customerId);
}

export async function currentSubscription(customerId: string) {
  const subs = await stripe().subscriptions.list({ customer: customerId, status: "all" });
  return subs.data.sort((a, b) => b.created - a.created)[0] as Stripe.Subscription;
}

/** One signed delivery through the route handler; its status and JSON body. */
export async function deliver(event: Stripe.Event) {
  const { body, signature } = stub.sign(event);
  const res = await POST(
    new Request("http://localhost/api/webhooks/stripe", {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": signature },
      body,
    }),
  );
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Delivers every event the stub emitted since `from` (an index into stub.events). */
export async function deliverSince(from: number) {
  const events = stub.events.slice(from);
  for (const event of events) {
    const { status } = await deliver(event);
    if (status !== 200) throw new Error(`delivery of ${event.type} answered ${status}`);
  }
  return events;
}

export const accountOf = (orgId: string) =>
  asOrg(orgId, (tx) => tx.billingAccount.findUniqueOrThrow({ where: { orgId } }));

export const auditOf = (orgId: string, action: string) =>
  asOrg(orgId, (tx) =>
    tx.auditLog.findMany({ where: { orgId, action }, orderBy: { createdAt: "asc" } }),
  );

/** Awaits `call`; the error's code and message ("OK" when it succeeded). */
export async function failureOf(call: Promise<unknown>) {
  try {
    await call;
    return { code: "OK", message: "" };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { code: e.code ?? "THREW", message: e.message ?? "" };
  }
}
