import type Stripe from "stripe";
import { stripe } from "../stripe-client";
import { stripeCall } from "./stripe-call";

/** Subscription statuses that give the subscription's plan (docs/billing.md, "Plans"). */
export const CURRENT_STATUSES = ["trialing", "active", "past_due", "unpaid"] as const;
/** A subscription in any of these still exists at Stripe: a second one would bill twice. */
const LIVE_STATUSES = new Set<string>([...CURRENT_STATUSES, "incomplete", "paused"]);

export function isCurrent(status: string | null | undefined) {
  return !!status && (CURRENT_STATUSES as readonly string[]).includes(status);
}

export const isLive = (sub: Stripe.Subscription) => LIVE_STATUSES.has(sub.status);

/** Every subscription the customer has or had, as Stripe knows it now (our mirror may lag). */
export async function stripeSubscriptions(customerId: string) {
  const list = await stripeCall("list subscriptions", () =>
    stripe().subscriptions.list({ customer: customerId, status: "all", limit: 100 }),
  );
  return list.data;
}

/**
 * Expires the customer's open Checkout Sessions, so an abandoned one cannot be paid later
 * and make a second subscription. Call it BEFORE reading the subscriptions: a session paid
 * meanwhile cannot be expired any more, and its subscription is then in the list.
 */
export async function expireOpenSessions(customerId: string) {
  const client = stripe();
  const open = await stripeCall("list Checkout sessions", () =>
    client.checkout.sessions.list({ customer: customerId, status: "open", limit: 100 }),
  );
  for (const { id } of open.data) {
    await stripeCall("expire an earlier Checkout session", async () => {
      try {
        await client.checkout.sessions.expire(id);
      } catch (error) {
        // Paid or expired since it was listed: nothing is left to expire.
        if ((await client.checkout.sessions.retrieve(id)).status === "open") throw error;
      }
    });
  }
}
