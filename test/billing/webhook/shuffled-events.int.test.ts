// 40 orgs go through Checkout, quantity changes, renewals with failing and fixed cards and
// cancellations at the stub; then ~1,000 deliveries of the events it recorded (every event
// at least once, many more often, shuffled, 8 at a time) go through the webhook route.
// Whatever the order, each org must end in the state Stripe's final objects imply, with
// exactly one stripe_events row per event and exactly one audit entry (and mail) per real
// change. Two delivery rounds, so the second sees changes on top of synced state.

// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../../testkit/stripe-env";

import type Stripe from "stripe";
import { afterAll, describe, expect, it } from "vitest";
import { stripe } from "../../../server/domains/billing/services/stripe-client";
import { getDb } from "../../../server/platform/db/client";
import { env } from "../../../server/platform/env";
import { closeQueues } from "../../../server/platform/jobs/queues";
import {
  accountOf,
  asOrg,
  auditOf,
  type BilledOrg,
  billedOrg,
  currentSubscription,
  deliver,
  subscribe,
} from "../../../testkit/factories/billing";
import { stub } from "../../../testkit/stripe-env";
import { EffectLedger, expectedFor, inPool, seeded } from "./lib/expected";

afterAll(closeQueues);

const ORGS = 40;
const rng = seeded(20261126);

interface Tracked extends BilledOrg {
  scenario: number;
  ledger: EffectLedger;
}

async function setQuantity(sub: Stripe.Subscription, quantity: number) {
  const item = sub.items.data.find((i) => i.price.id === env.STRIPE_PRICE_SITE)!;
  await stripe().subscriptionItems.update(item.id, { quantity });
}

const openInvoices = async (customerId: string) =>
  (await stripe().invoices.list({ customer: customerId, status: "open" })).data;

/** Round 1: buy, change quantity, renew (scenarios 1 and 2 with a declining card), cancel. */
async function roundOne(org: Tracked) {
  const sub = await subscribe(org, {
    sites: 1 + rng.int(3),
    trialDays: org.scenario === 0 ? 14 : 0,
  });
  for (let k = rng.int(3); k > 0; k--) await setQuantity(sub, 1 + rng.int(6));
  if (org.scenario === 1 || org.scenario === 2) stub.failPayments(org.customerId);
  await stub.renew(sub.id);
  if (org.scenario === 2) await stub.renew(sub.id);
  if (org.scenario === 3) await stub.cancel(sub.id);
}

/** Round 2: a card starts declining, cards get fixed and invoices paid, or the org cancels. */
async function roundTwo(org: Tracked, index: number) {
  const sub = await currentSubscription(org.customerId);
  if (org.scenario === 0) {
    stub.failPayments(org.customerId);
    await stub.renew(sub.id);
  } else if (org.scenario === 1 && index % 8 === 1) {
    await stub.cancel(sub.id); // gives up while an invoice is still unpaid
  } else if (org.scenario === 1 || org.scenario === 2) {
    stub.failPayments(org.customerId, false);
    for (const invoice of (await openInvoices(org.customerId)).reverse())
      await stub.payInvoice(invoice.id!);
    await setQuantity(sub, 2 + rng.int(5));
    await stub.renew(sub.id);
  }
}

/** Every event of `fresh` once, plus copies of any event in `pool`, up to `total`, shuffled. */
function deliveries(fresh: Stripe.Event[], pool: Stripe.Event[], total: number) {
  const list = [...fresh];
  while (list.length < total) list.push(pool[rng.int(pool.length)]!);
  return rng.shuffle(list);
}

async function deliverShuffled(list: Stripe.Event[]) {
  const statuses = new Map<number, number>();
  await inPool(list, 8, async (event) => {
    const { status } = await deliver(event);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  });
  expect(Object.fromEntries(statuses)).toEqual({ 200: list.length });
}

async function expectInStripesState(orgs: Tracked[]) {
  for (const org of orgs) {
    const want = await expectedFor(org.customerId);
    org.ledger.see(want);
    const account = await accountOf(org.orgId);
    expect(account, org.slug).toMatchObject({
      planKey: want.plan,
      subscriptionStatus: want.status,
      stripeSubscriptionId: want.subscriptionId,
      siteQuantity: want.quantity,
      readOnlySince: null,
    });
    expect(!!account.graceStartedAt && !!account.graceEndsAt, org.slug).toBe(want.grace);
    const rows = await asOrg(org.orgId, (tx) =>
      tx.billingInvoice.findMany({ where: { orgId: org.orgId } }),
    );
    const mirrored = rows.map((r) => [r.id, r.status, r.amountDue, r.amountPaid, !!r.paidAt]);
    const stripes = want.invoices.map((i) => [
      i.id,
      i.status,
      i.amount_due,
      i.amount_paid,
      i.status === "paid",
    ]);
    expect(mirrored.sort(), org.slug).toEqual(stripes.sort());
  }
}

describe("1,000 shuffled, duplicated webhook deliveries", () => {
  it("end in Stripe's state with each effect exactly once", { timeout: 300_000 }, async () => {
    const start = stub.events.length;
    const orgs: Tracked[] = [];
    for (let i = 0; i < ORGS; i++)
      orgs.push({ ...(await billedOrg()), scenario: i % 4, ledger: new EffectLedger() });

    for (const org of orgs) await roundOne(org);
    const first = stub.events.slice(start);
    const firstList = deliveries(first, first, 500);
    await deliverShuffled(firstList);
    await expectInStripesState(orgs);

    const middle = stub.events.length;
    for (const [i, org] of orgs.entries()) await roundTwo(org, i);
    const second = stub.events.slice(middle);
    const all = stub.events.slice(start);
    const secondList = deliveries(second, all, 1000 - firstList.length);
    await deliverShuffled(secondList);
    await expectInStripesState(orgs);

    expect(firstList.length + secondList.length).toBe(1000);
    const ids = [...new Set(all.map((e) => e.id))];
    const rows = await getDb().stripeEvent.findMany({ where: { id: { in: ids } } });
    expect(rows).toHaveLength(ids.length);
    expect(rows.filter((r) => !r.processedAt)).toEqual([]);

    const effects = async (org: Tracked) => ({
      plan_changed: (await auditOf(org.orgId, "billing.plan_changed")).length,
      grace_started: (await auditOf(org.orgId, "billing.grace_started")).length,
      payment_recovered: (await auditOf(org.orgId, "billing.payment_recovered")).length,
      payment_failed: (await auditOf(org.orgId, "billing.payment_failed")).length,
      invoice_paid: (await auditOf(org.orgId, "billing.invoice_paid")).length,
      mails: await getDb().mailOutbox.count({
        where: { to: org.owner.email, kind: "billing-payment-failed" },
      }),
    });
    for (const org of orgs) {
      const { ledger } = org;
      expect(await effects(org), `${org.slug} (scenario ${org.scenario})`).toEqual({
        ...ledger.counts,
        payment_failed: ledger.paymentFailed,
        invoice_paid: ledger.invoicePaid,
        mails: ledger.paymentFailed,
      });
    }
    // The scenarios really did cover each kind of change.
    const total = (key: keyof EffectLedger["counts"]) =>
      orgs.reduce((n, o) => n + o.ledger.counts[key], 0);
    expect(total("grace_started")).toBeGreaterThanOrEqual(ORGS / 2);
    expect(total("payment_recovered")).toBeGreaterThanOrEqual(ORGS / 4);
    expect(orgs.reduce((n, o) => n + o.ledger.paymentFailed, 0)).toBeGreaterThan(ORGS / 2);
  });
});
