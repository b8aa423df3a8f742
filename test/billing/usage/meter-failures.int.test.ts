// The meter when Stripe says no or cannot be reached (server/domains/billing/services/usage/meter-send.ts):
// a row Stripe refuses for good is settled with a log line and later rows still go; a row
// left unsent for over 23 hours (Stripe may have forgotten its identifier) is settled
// without a send; Stripe unreachable stops the org's run, and the next run sends it all.

// Stripe behind a relay the test can cut, before any server module loads.
import "../webhook/lib/stub-behind-proxy";

import { afterAll, describe, expect, it } from "vitest";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { createOrgWithOwner } from "../../../testkit/factories/identity";
import { cutStripe, stub } from "../webhook/lib/stub-behind-proxy";
import { addHours, addRows, HOUR, meter, meterKit, reportsOf, unsentRow } from "./meter-lib";

afterAll(closeQueues);

const { subscribe, eventsOf, eventFor } = meterKit(stub);

describe("usage meter failures", () => {
  it("settles a row Stripe refuses for good, with a log line, and sends the rows after it", async () => {
    const { org } = await createOrgWithOwner();
    const customer = await subscribe(org.id);
    // A row claimed for a customer Stripe no longer knows, left unsent by a crash.
    await addRows(org.id, [unsentRow(org.id, "cus_gone", 3, 7, 7)]);
    await addHours(org.id, [[2, 2_000_000, 0]]);
    const lines: string[] = [];
    expect(await meter(org.id, (l) => lines.push(l))).toEqual({ claimed: 1, sent: 1, skipped: 1 });
    expect(lines).toEqual([expect.stringMatching(/:00\.000Z was refused by Stripe .*not billed/)]);
    expect(eventsOf(org.id)).toEqual([eventFor(org.id, customer, 2, 2)]);
    expect((await reportsOf(org.id)).map((r) => !!r.reportedAt)).toEqual([true, true]);
  });

  it("settles without sending a row left unsent for over 23 hours; sends a younger one", async () => {
    const { org } = await createOrgWithOwner();
    const customer = await subscribe(org.id);
    const dayOld = new Date(Date.now() - 24 * HOUR);
    await addRows(org.id, [
      unsentRow(org.id, customer, 30, 4, 4, dayOld),
      unsentRow(org.id, customer, 3, 1, 5),
    ]);
    const lines: string[] = [];
    expect(await meter(org.id, (l) => lines.push(l))).toEqual({ claimed: 0, sent: 1, skipped: 1 });
    expect(lines).toEqual([expect.stringMatching(/claimed over 23 hours ago.*not billed/)]);
    expect(eventsOf(org.id)).toEqual([eventFor(org.id, customer, 3, 1)]);
    expect((await reportsOf(org.id)).every((r) => r.reportedAt)).toBe(true);
  });

  it("stops the org's run while Stripe is unreachable; the next run sends each hour once", async () => {
    const { org } = await createOrgWithOwner();
    const customer = await subscribe(org.id);
    await addHours(org.id, [
      [3, 1_000_000, 0],
      [2, 2_000_000, 0],
    ]);
    cutStripe(true);
    try {
      await expect(meter(org.id)).rejects.toThrow();
    } finally {
      cutStripe(false);
    }
    // The hours are claimed, none sent, none settled: nothing is lost.
    expect((await reportsOf(org.id)).map((r) => r.reportedAt)).toEqual([null, null]);
    expect(await meter(org.id)).toEqual({ claimed: 0, sent: 2, skipped: 0 });
    expect(eventsOf(org.id)).toEqual([
      eventFor(org.id, customer, 3, 1),
      eventFor(org.id, customer, 2, 2),
    ]);
  });
});
