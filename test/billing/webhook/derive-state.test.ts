import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  currentSubscription,
  invoiceFailed,
  liveSubscriptions,
  needsGrace,
  subscriptionFields,
} from "../../../server/domains/billing/services/sync/derive-state";
import {
  customerOf,
  orgHintOf,
} from "../../../server/domains/billing/services/webhook/handle-event";

const SITE = "price_site";

function sub(
  id: string,
  status: string,
  created: number,
  extra: Partial<Stripe.Subscription> = {},
) {
  return {
    id,
    status,
    created,
    metadata: {},
    trial_end: null,
    cancel_at_period_end: false,
    items: {
      data: [
        {
          id: `si_${id}`,
          price: { id: SITE },
          quantity: 3,
          current_period_start: 100,
          current_period_end: 200,
        },
        { id: `si_data_${id}`, price: { id: "price_data" } },
      ],
    },
    ...extra,
  } as unknown as Stripe.Subscription;
}

describe("subscriptionFields", () => {
  it("is free with no subscription at all", () => {
    expect(subscriptionFields([], SITE)).toMatchObject({
      planKey: "free",
      subscriptionStatus: null,
    });
  });

  it("takes the newest live subscription and its per-site item", () => {
    const f = subscriptionFields([sub("old", "canceled", 1), sub("new", "active", 2)], SITE);
    expect(f).toMatchObject({
      planKey: "standard",
      subscriptionStatus: "active",
      stripeSubscriptionId: "new",
      siteItemId: "si_new",
      siteQuantity: 3,
      currentPeriodEnd: new Date(200_000),
    });
  });

  it("prefers a subscription that gives the plan to a newer incomplete or paused one", () => {
    const subs = [sub("paid", "past_due", 1), sub("new", "incomplete", 3), sub("p", "paused", 2)];
    expect(currentSubscription(subs)?.id).toBe("paid");
    expect(currentSubscription([sub("a", "active", 1), sub("b", "trialing", 2)])?.id).toBe("b");
    expect(currentSubscription([sub("x", "canceled", 9), sub("p", "paused", 1)])?.id).toBe("p");
    expect(liveSubscriptions(subs)).toHaveLength(3);
  });

  it("keeps a canceled subscription's status but falls back to free", () => {
    expect(subscriptionFields([sub("a", "canceled", 5)], SITE)).toMatchObject({
      planKey: "free",
      subscriptionStatus: "canceled",
      siteItemId: null,
    });
  });

  it("reads metadata.plan, ignores unknown plans and non-paying statuses", () => {
    const named = sub("a", "trialing", 1, { metadata: { plan: "enterprise" } });
    expect(subscriptionFields([named], SITE).planKey).toBe("enterprise");
    const bogus = sub("a", "active", 1, { metadata: { plan: "platinum" } });
    expect(subscriptionFields([bogus], SITE).planKey).toBe("standard");
    expect(subscriptionFields([sub("a", "incomplete", 1)], SITE).planKey).toBe("free");
  });

  it("flags grace statuses and failed invoices", () => {
    expect(needsGrace("past_due") && needsGrace("unpaid")).toBe(true);
    expect(needsGrace("active") || needsGrace(null)).toBe(false);
    const inv = (status: string, attempt_count: number) =>
      ({ status, attempt_count }) as unknown as Stripe.Invoice;
    expect(invoiceFailed(inv("open", 1))).toBe(true);
    expect(invoiceFailed(inv("uncollectible", 0))).toBe(true);
    expect(invoiceFailed(inv("open", 0)) || invoiceFailed(inv("paid", 2))).toBe(false);
  });
});

describe("customerOf", () => {
  const ev = (object: unknown) => ({ data: { object } }) as unknown as Stripe.Event;
  it("finds the customer of subscriptions, invoices, sessions and customers", () => {
    expect(customerOf(ev({ object: "subscription", id: "sub_1", customer: "cus_1" }))).toBe(
      "cus_1",
    );
    expect(customerOf(ev({ object: "invoice", customer: { id: "cus_2" } }))).toBe("cus_2");
    expect(customerOf(ev({ object: "customer", id: "cus_3" }))).toBe("cus_3");
    expect(customerOf(ev({ object: "price", id: "price_1" }))).toBeNull();
    expect(customerOf({} as Stripe.Event)).toBeNull();
  });

  it("takes the org hint from the object's metadata or its expanded customer's", () => {
    const meta = (orgId: unknown) => ({ metadata: { orgId } });
    expect(orgHintOf(ev({ object: "customer", id: "cus_1", ...meta("org_1") }))).toBe("org_1");
    expect(orgHintOf(ev({ object: "subscription", ...meta("org_2") }))).toBe("org_2");
    expect(orgHintOf(ev({ object: "invoice", metadata: {}, customer: meta("org_3") }))).toBe(
      "org_3",
    );
    expect(orgHintOf(ev({ object: "invoice", customer: "cus_1", ...meta(7) }))).toBeNull();
    expect(orgHintOf({} as Stripe.Event)).toBeNull();
  });
});
