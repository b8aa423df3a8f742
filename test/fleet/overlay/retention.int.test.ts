// Retention of the overlay's reports: the sweep deletes path samples and path events older
// than their retention, in every org with a fleet, and nothing newer. Ages are far from
// the bounds, so the outcome never depends on how long the test takes.
import { describe, expect, it } from "vitest";
import { pruneOverlayHistory } from "../../../server/domains/overlay/compile/prune";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { createOrgWithCa, publishCa } from "../../../testkit/factories/fleet-db";

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);

async function orgWithHistory() {
  const ca = await createOrgWithCa();
  await publishCa(ca);
  const { orgId, siteId } = ca;
  const deviceId = `dev-${orgId}`;
  const sample = (pathId: string, at: Date) => ({ orgId, siteId, deviceId, pathId, at, up: true });
  const event = (eventId: string, at: Date) => ({
    orgId,
    siteId,
    deviceId,
    eventId,
    at,
    kind: "failover",
    unit: "class:1",
    unitName: "Default",
    reason: "3 probes lost",
  });
  await withScope(getDb(), { orgId }, async (tx) => {
    await tx.pathSample.createMany({
      data: [
        sample("old", hoursAgo(48)),
        sample("older", hoursAgo(24 * 40)),
        sample("fresh", hoursAgo(1)),
      ],
    });
    await tx.pathEvent.createMany({
      data: [
        event("evt-old", hoursAgo(24 * 45)),
        event("evt-recent", hoursAgo(24 * 5)),
        event("evt-fresh", hoursAgo(1)),
      ],
    });
  });
  return orgId;
}

const remaining = (orgId: string) =>
  withScope(getDb(), { orgId }, async (tx) => ({
    samples: (await tx.pathSample.findMany({ where: { orgId } })).map((s) => s.pathId).sort(),
    events: (await tx.pathEvent.findMany({ where: { orgId } })).map((e) => e.eventId).sort(),
  }));

describe("overlay history retention", () => {
  it("deletes samples and events past their retention, in every org, and nothing newer", async () => {
    const a = await orgWithHistory();
    const b = await orgWithHistory();
    const pruned = await pruneOverlayHistory(getDb(), { sampleHours: 24, eventDays: 30 });
    // Other test files' orgs may have had old rows too: at least ours went.
    expect(pruned.samples).toBeGreaterThanOrEqual(4);
    expect(pruned.events).toBeGreaterThanOrEqual(2);
    for (const orgId of [a, b])
      expect(await remaining(orgId)).toEqual({
        samples: ["fresh"],
        events: ["evt-fresh", "evt-recent"],
      });

    // A shorter retention takes what the longer one kept; running again is harmless.
    await pruneOverlayHistory(getDb(), { sampleHours: 24, eventDays: 2 });
    expect(await remaining(a)).toEqual({ samples: ["fresh"], events: ["evt-fresh"] });
    expect(await pruneOverlayHistory(getDb(), { sampleHours: 24, eventDays: 2 })).toEqual({
      samples: 0,
      events: 0,
    });
  });
});
