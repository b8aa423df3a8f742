// The data-transfer meter (server/billing/usage/meter.ts) against the Stripe stand-in with
// the real SDK: each closed hour of an org goes to the payer's meter exactly once, however
// often and however concurrently the meter runs; a row left unsent by a crash is sent on
// the next run; a free org sends nothing; an MSP's consolidated customer reports on the
// MSP's customer under its own identifiers.

// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../lib/stub-env";

import { afterAll, describe, expect, it } from "vitest";
import { stripe } from "../../../server/billing/stripe-client";
import { meterAll, meterOrg } from "../../../server/billing/usage/meter";
import { usageIdentifier } from "../../../server/billing/usage/meter-claim";
import { getDb } from "../../../server/db/client";
import { withScope } from "../../../server/db/with-tenant";
import { closeQueues } from "../../../server/jobs/queues";
import { JOBS } from "../../../workers/registry";
import { callerFor, createOrgWithOwner, uid } from "../../factories";
import { stub } from "../lib/stub-env";

afterAll(closeQueues);

const HOUR = 3_600_000;
const MB = 1e6;
const db = getDb();
// One clock for the whole file, half past an hour, so that no test sees an hour close
// while it runs; the meter takes `now` as a parameter.
const BASE = Math.floor(Date.now() / HOUR);
const NOW = new Date(BASE * HOUR + 30 * 60_000);
/** The start of the hour `n` hours before NOW's (n = 0: the open hour). */
const hourAgo = (n: number) => new Date((BASE - n) * HOUR);
const meter = (orgId: string) => meterOrg(db, orgId, NOW);

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
    tx.billingAccount.upsert({
      where: { orgId },
      create: { orgId, ...paying },
      update: paying,
    }),
  );
  expect(sub.status).toBe("active");
  return customer.id;
}

async function addHours(orgId: string, hours: [ago: number, rx: number, tx: number][]) {
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

const eventsOf = (orgId: string) =>
  stub
    .meterEvents()
    .filter((e) => e.identifier.startsWith(`usage:${orgId}:`))
    .sort((a, b) => a.timestamp - b.timestamp);

const reportsOf = (orgId: string) =>
  withScope(db, { orgId }, (tx) =>
    tx.usageReport.findMany({ where: { orgId }, orderBy: { periodStart: "asc" } }),
  );

/** What an hour's event looks like at Stripe. */
const eventFor = (orgId: string, customer: string, ago: number, value: number) => ({
  identifier: usageIdentifier(orgId, hourAgo(ago)),
  event_name: stub.meterEventName,
  customer,
  value,
  timestamp: (hourAgo(ago).getTime() + HOUR) / 1000 - 1,
});

// Bytes per closed hour and the whole MB of the running total each adds.
const HOURS: [number, number, number][] = [
  [6, 2_000_000, 500_000], // 2.5 MB: 2
  [5, 700_000, 0], // 3.2 MB: 1
  [4, 1_000_000, 200_000], // 4.4 MB: 1
  [3, 300_000, 0], // 4.7 MB: 0, recorded but not sent
  [2, 2_500_000_000, 800_000], // 2505.5 MB: 2501
];
const TOTAL = HOURS.reduce((s, [, rx, tx]) => s + rx + tx, 0);

describe("usage meter", () => {
  it("sends each closed hour once, in whole MB of the running total, run twice", async () => {
    const { org } = await createOrgWithOwner();
    const customer = await subscribe(org.id);
    await addHours(org.id, [...HOURS, [0, 9_000_000, 9_000_000]]); // the open hour waits
    const first = await meter(org.id);
    expect(first).toEqual({ claimed: 5, sent: 4, skipped: 0 });
    const second = await meter(org.id);
    expect(second).toEqual({ claimed: 0, sent: 0, skipped: 0 });

    const events = eventsOf(org.id);
    expect(events).toEqual([
      eventFor(org.id, customer, 6, 2),
      eventFor(org.id, customer, 5, 1),
      eventFor(org.id, customer, 4, 1),
      eventFor(org.id, customer, 2, 2501),
    ]);
    expect(events.reduce((s, e) => s + e.value, 0)).toBe(Math.floor(TOTAL / MB));
    const rows = await reportsOf(org.id);
    expect(rows.map((r) => [r.periodStart, r.value, r.customerId])).toEqual(
      [6, 5, 4, 3, 2].map((ago, i) => [hourAgo(ago), [2, 1, 1, 0, 2501][i], customer]),
    );
    expect(rows.every((r) => r.reportedAt)).toBe(true);
    expect(Number(rows.at(-1)?.cumulativeBytes)).toBe(TOTAL);
  });

  it("two runs at once still send each hour once and carry one running total", async () => {
    const { org } = await createOrgWithOwner();
    const customer = await subscribe(org.id);
    await addHours(org.id, HOURS);
    const runs = await Promise.all([meter(org.id), meter(org.id)]);
    expect(runs.reduce((s, r) => s + r.claimed, 0)).toBe(HOURS.length);
    expect(eventsOf(org.id)).toEqual([
      eventFor(org.id, customer, 6, 2),
      eventFor(org.id, customer, 5, 1),
      eventFor(org.id, customer, 4, 1),
      eventFor(org.id, customer, 2, 2501),
    ]);
    const rows = await reportsOf(org.id);
    expect(rows).toHaveLength(HOURS.length);
    expect(Number(rows.at(-1)?.cumulativeBytes)).toBe(TOTAL);
  });

  it("re-sends a row a crash left unsent, once, with the same identifier", async () => {
    const { org } = await createOrgWithOwner();
    const customer = await subscribe(org.id);
    await addHours(org.id, [
      [3, 7_000_000, 0],
      [2, 1_000_000, 0],
    ]);
    // A run that died after writing the row of hour -3 and before sending it; and hour -2,
    // whose event Stripe got, but whose reportedAt was never written.
    const unsent = (ago: number, value: number, cumulative: number) => ({
      orgId: org.id,
      periodStart: hourAgo(ago),
      periodEnd: new Date(hourAgo(ago).getTime() + HOUR),
      customerId: customer,
      bytes: BigInt(value * MB),
      value,
      cumulativeBytes: BigInt(cumulative),
      identifier: usageIdentifier(org.id, hourAgo(ago)),
    });
    await withScope(db, { orgId: org.id }, (tx) =>
      tx.usageReport.createMany({ data: [unsent(3, 7, 7_000_000), unsent(2, 1, 8_000_000)] }),
    );
    await stripe().billing.meterEvents.create({
      event_name: stub.meterEventName,
      payload: { stripe_customer_id: customer, value: "1" },
      identifier: usageIdentifier(org.id, hourAgo(2)),
      timestamp: (hourAgo(2).getTime() + HOUR) / 1000 - 1,
    });
    expect(await meter(org.id)).toEqual({ claimed: 0, sent: 2, skipped: 0 });
    expect(await meter(org.id)).toEqual({ claimed: 0, sent: 0, skipped: 0 });
    expect(eventsOf(org.id)).toEqual([
      eventFor(org.id, customer, 3, 7),
      eventFor(org.id, customer, 2, 1),
    ]);
    expect((await reportsOf(org.id)).every((r) => r.reportedAt)).toBe(true);
  });

  it("marks hours older than Stripe accepts as skipped, without sending them", async () => {
    const { org } = await createOrgWithOwner();
    const customer = await subscribe(org.id);
    await addHours(org.id, [
      [40 * 24, 5_000_000, 0],
      [2, 3_000_000, 0],
    ]);
    expect(await meter(org.id)).toEqual({ claimed: 2, sent: 1, skipped: 1 });
    const rows = await reportsOf(org.id);
    expect(rows.map((r) => [r.value, !!r.reportedAt])).toEqual([
      [5, true],
      [3, true],
    ]);
    expect(eventsOf(org.id)).toEqual([eventFor(org.id, customer, 2, 3)]);
  });

  it("a free org sends nothing and records nothing", async () => {
    const { org } = await createOrgWithOwner();
    await addHours(org.id, HOURS);
    expect(await meter(org.id)).toEqual({ claimed: 0, sent: 0, skipped: 0 });
    expect(await reportsOf(org.id)).toEqual([]);
    expect(eventsOf(org.id)).toEqual([]);
  });

  it("a consolidated customer of an MSP reports on the MSP's customer under its own identifiers", async () => {
    const msp = await createOrgWithOwner("msp");
    const mspCustomer = await subscribe(msp.org.id);
    const child = await callerFor(msp.owner).org.createCustomer({
      orgSlug: msp.slug,
      name: "Customer",
      slug: `cust-${uid()}`,
    });
    await withScope(db, { orgId: child.id }, (tx) =>
      tx.billingAccount.create({ data: { orgId: child.id, billingMode: "consolidated" } }),
    );
    await addHours(child.id, [[2, 4_200_000, 0]]);
    await addHours(msp.org.id, [[2, 1_500_000, 0]]);
    expect(await meter(child.id)).toEqual({ claimed: 1, sent: 1, skipped: 0 });
    expect(await meter(msp.org.id)).toEqual({ claimed: 1, sent: 1, skipped: 0 });
    expect(eventsOf(child.id)).toEqual([eventFor(child.id, mspCustomer, 2, 4)]);
    expect(eventsOf(msp.org.id)).toEqual([eventFor(msp.org.id, mspCustomer, 2, 1)]);
    const rows = await reportsOf(child.id);
    expect(rows.map((r) => [r.orgId, r.customerId])).toEqual([[child.id, mspCustomer]]);
    // The MSP's scope does not see its customer's reports (row-level security).
    const seen = await withScope(db, { orgId: msp.org.id }, (tx) =>
      tx.usageReport.findMany({ where: { orgId: child.id } }),
    );
    expect(seen).toEqual([]);
  });

  it("meterAll meters every org with a fleet; billing.meter is a registered job", async () => {
    const { org, owner, slug } = await createOrgWithOwner();
    await callerFor(owner).site.create({ orgSlug: slug, name: "HQ" }); // makes its fleet CA
    const customer = await subscribe(org.id);
    await addHours(org.id, [[2, 6_000_000, 0]]);
    const r = await meterAll(db, NOW);
    expect(r.failed).toBe(0);
    expect(r.sent).toBeGreaterThanOrEqual(1);
    expect(eventsOf(org.id)).toEqual([eventFor(org.id, customer, 2, 6)]);
    const job = JOBS.find((j) => j.def.name === "billing.meter");
    expect(job?.def).toMatchObject({ queue: "billing", attempts: 5 });
    expect(await job?.handle(db, { orgId: org.id })).toBe("claimed 0, sent 0, skipped 0");
  });
});
