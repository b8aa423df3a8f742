// The data-transfer meter (server/domains/billing/services/usage/meter.ts) against the Stripe stand-in with
// the real SDK: each closed hour of an org goes to the payer's meter exactly once, however
// often and however concurrently the meter runs (one run per org: another skips it); hours
// close by the database's clock; a row left unsent by a crash is sent on the next run; a
// free org sends nothing; an MSP's consolidated customer reports on the
// MSP's customer under its own identifiers.

// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../../testkit/stripe-env";

import { afterAll, describe, expect, it } from "vitest";
import { stripe } from "../../../server/domains/billing/services/stripe-client";
import {
  meterAll,
  meterOrg,
  meterRunLock,
} from "../../../server/domains/billing/services/usage/meter";
import { usageIdentifier } from "../../../server/domains/billing/services/usage/meter-claim";
import { withScope } from "../../../server/platform/db/with-tenant";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { callerFor, createOrgWithOwner, uid } from "../../../testkit/factories/identity";
import { stub } from "../../../testkit/stripe-env";
import { JOBS } from "../../../workers/registry";
import {
  addHours,
  addRows,
  db,
  HOUR,
  hourAgo,
  MB,
  meter,
  meterKit,
  NOW,
  reportsOf,
  unsentRow,
} from "./meter-lib";

afterAll(closeQueues);

const { subscribe, eventsOf, eventFor } = meterKit(stub);

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
    await addRows(org.id, [
      unsentRow(org.id, customer, 3, 7, 7),
      unsentRow(org.id, customer, 2, 1, 8),
    ]);
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

  it("closes hours by the database's clock: a worker's clock ahead claims no open hour", async () => {
    const { org } = await createOrgWithOwner();
    const customer = await subscribe(org.id);
    await addHours(org.id, [
      [2, 3_000_000, 0],
      [0, 5_000_000, 0], // the open hour, by the database's clock
    ]);
    const ahead = new Date(NOW.getTime() + 2 * HOUR);
    expect(await meterOrg(db, org.id, ahead)).toEqual({ claimed: 1, sent: 1, skipped: 0 });
    expect(eventsOf(org.id)).toEqual([eventFor(org.id, customer, 2, 3)]);
    expect((await reportsOf(org.id)).map((r) => r.periodStart)).toEqual([hourAgo(2)]);
  });

  it("a run that finds its org held by another worker's run skips it", async () => {
    const { org } = await createOrgWithOwner();
    const customer = await subscribe(org.id);
    await addHours(org.id, [[2, 3_000_000, 0]]);
    const lines: string[] = [];
    const whileHeld = await withScope(db, { orgId: org.id }, async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${meterRunLock(org.id)}, 0))`;
      return meter(org.id, (line) => lines.push(line));
    });
    expect(whileHeld).toEqual({ claimed: 0, sent: 0, skipped: 0 });
    expect(lines).toEqual([expect.stringMatching(/skipped: another run has it/)]);
    expect(await reportsOf(org.id)).toEqual([]);
    expect(await meter(org.id)).toEqual({ claimed: 1, sent: 1, skipped: 0 });
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
