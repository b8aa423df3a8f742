// Pure: what a customer's Stripe subscriptions mean for its billing account. The re-sync
// feeds it Stripe's current list, never an event's payload, so the result does not depend
// on the order events arrive in.
import type Stripe from "stripe";
import { ZPlanKey } from "../plans";

/** Subscriptions that no longer exist for billing purposes. */
const ENDED = new Set(["canceled", "incomplete_expired"]);
/** Statuses under which the subscription's plan applies (docs/billing.md "Plans"). */
const PLAN_STATUSES = new Set(["trialing", "active", "past_due", "unpaid"]);
/** Statuses that start (or keep) the grace period. */
const GRACE_STATUSES = new Set(["past_due", "unpaid"]);

export interface SubscriptionFields {
  planKey: string;
  subscriptionStatus: string | null;
  stripeSubscriptionId: string | null;
  siteItemId: string | null;
  siteQuantity: number | null;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  trialEndsAt: Date | null;
  cancelAtPeriodEnd: boolean;
}

const date = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null);

/** Subscriptions that have not ended; more than one means the org pays twice. */
export const liveSubscriptions = (subs: Stripe.Subscription[]) =>
  subs.filter((s) => !ENDED.has(s.status));

/**
 * The subscription that gives the plan: one under which the plan applies (trialing,
 * active, past_due, unpaid) before an incomplete or paused one, then the newest.
 */
export function currentSubscription(subs: Stripe.Subscription[]) {
  const rank = (s: Stripe.Subscription) => (PLAN_STATUSES.has(s.status) ? 0 : 1);
  return liveSubscriptions(subs).sort(
    (a, b) => rank(a) - rank(b) || b.created - a.created || b.id.localeCompare(a.id),
  )[0];
}

export function subscriptionFields(
  subs: Stripe.Subscription[],
  sitePriceId: string,
): SubscriptionFields {
  const current = currentSubscription(subs);
  const latest = [...subs].sort((a, b) => b.created - a.created)[0];
  if (!current) {
    return {
      planKey: "free",
      // A canceled subscription is still worth showing ("canceled"), not a blank.
      subscriptionStatus: latest?.status ?? null,
      stripeSubscriptionId: null,
      siteItemId: null,
      siteQuantity: null,
      currentPeriodStart: null,
      currentPeriodEnd: null,
      trialEndsAt: null,
      cancelAtPeriodEnd: false,
    };
  }
  const item = current.items.data.find((i) => i.price?.id === sitePriceId);
  const named = ZPlanKey.safeParse(current.metadata?.plan);
  return {
    planKey: PLAN_STATUSES.has(current.status) ? (named.success ? named.data : "standard") : "free",
    subscriptionStatus: current.status,
    stripeSubscriptionId: current.id,
    siteItemId: item?.id ?? null,
    siteQuantity: item?.quantity ?? null,
    currentPeriodStart: date(item?.current_period_start),
    currentPeriodEnd: date(item?.current_period_end),
    trialEndsAt: date(current.trial_end),
    cancelAtPeriodEnd: current.cancel_at_period_end,
  };
}

export const needsGrace = (status: string | null) => !!status && GRACE_STATUSES.has(status);

/** An invoice whose payment was tried and failed (or that Stripe gave up on). */
export function invoiceFailed(invoice: Stripe.Invoice) {
  return (
    (invoice.status === "open" && invoice.attempt_count > 0) || invoice.status === "uncollectible"
  );
}
