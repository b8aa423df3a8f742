// Helpers of the meter tests (meter*.int.test.ts): a paying org bought through the
// stand-in's Checkout, hours of usage, the org's meter events and report rows. The test
// file imports its Stripe stand-in first (billing on) and hands it to meterKit.

import { stripe } from "../../../server/domains/billing/services/stripe-client";
import { meterOrg } from "../../../server/domains/billing/services/usage/meter";
import { usageIdentifier } from "../../../server/domains/billing/services/usage/meter-claim";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import type { StripeStub } from "../../../tools/stripe-stand-in";

export const HOUR = 3_600_000;
export const MB = 1e6;
export const db = getDb();
// One clock for the whole file, half past an hour, so that no test sees an hour close
// while it runs; the meter takes `now` as a parameter.
const BASE = Math.floor(Date.now() / HOUR);
export const NOW = new Date(BASE * HOUR + 30 * 60_000);
/** The start of the hour `n` hours before NOW's (n = 0: the open hour). */
export const hourAgo = (n: number) => new Date((BASE - n) * HOUR);
export const meter = (orgId: string, log?: (line: string) => void) => meterOrg(db, orgId, NOW, log);

export function meterKit(stub: StripeStub) {
  /** A Stripe customer with an active subscription, bought through the stub's Checkout. */
  async function subscribe(orgId: string) {
    const customer = await stripe().customers.create({ metadata: { orgId } });
    const session = await stripe().checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: stub.prices.site, quantity: 1 }, { price: stub.prices.data }],
      success_url: "http://localhost/ok?session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "http://localhost/cancel",
    });
    await stub.completeCheckout(session.id);
    const paid = await stripe().checkout.sessions.retrieve(session.id);
    const sub = await stripe().subscriptions.retrieve(String(paid.subscription));
    // What the webhook's re-sync writes, reduced to what the meter reads.
    const paying = {
      planKey: "standard",
      stripeCustomerId: customer.id,
      stripeSubscriptionId: sub.id,
      subscriptionStatus: sub.status,
    };
    await withScope(db, { orgId }, (tx) =>
      tx.billingAccount.upsert({ where: { orgId }, create: { orgId, ...paying }, update: paying }),
    );
    if (sub.status !== "active") throw new Error(`subscription is ${sub.status}`);
    return customer.id;
  }

  const eventsOf = (orgId: string) =>
    stub
      .meterEvents()
      .filter((e) => e.identifier.startsWith(`usage:${orgId}:`))
      .sort((a, b) => a.timestamp - b.timestamp);

  /** What an hour's event looks like at Stripe. */
  const eventFor = (orgId: string, customer: string, ago: number, value: number) => ({
    identifier: usageIdentifier(orgId, hourAgo(ago)),
    event_name: stub.meterEventName,
    customer,
    value,
    timestamp: (hourAgo(ago).getTime() + HOUR) / 1000 - 1,
  });

  return { subscribe, eventsOf, eventFor };
}

export async function addHours(orgId: string, hours: [ago: number, rx: number, tx: number][]) {
  await withScope(db, { orgId }, (tx) =>
    tx.usageHour.createMany({
      data: hours.map(([ago, rx, t]) => ({
        orgId,
        hour: hourAgo(ago),
        rxBytes: BigInt(rx),
        txBytes: BigInt(t),
      })),
    }),
  );
}

export const reportsOf = (orgId: string) =>
  withScope(db, { orgId }, (tx) =>
    tx.usageReport.findMany({ where: { orgId }, orderBy: { periodStart: "asc" } }),
  );

/** A usage_reports row a run claimed and never sent (it died), of `value` whole MB. */
export const unsentRow = (
  orgId: string,
  customerId: string,
  ago: number,
  value: number,
  cumulativeMb: number,
  createdAt?: Date,
) => ({
  orgId,
  periodStart: hourAgo(ago),
  periodEnd: new Date(hourAgo(ago).getTime() + HOUR),
  customerId,
  bytes: BigInt(value * MB),
  value,
  cumulativeBytes: BigInt(cumulativeMb * MB),
  identifier: usageIdentifier(orgId, hourAgo(ago)),
  ...(createdAt ? { createdAt } : {}),
});

export const addRows = (orgId: string, rows: ReturnType<typeof unsentRow>[]) =>
  withScope(db, { orgId }, (tx) => tx.usageReport.createMany({ data: rows }));
