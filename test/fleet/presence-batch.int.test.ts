// Presence within one ingest batch. A device's heartbeat and its offline presence can land in
// the same batch (an agent stopping right after it connected); the heartbeat was sent first,
// so the device must end offline. Failed before heartbeats were written ahead of presence:
// the heartbeat's "online" overwrote the offline, and the device showed online for minutes.
// A last will of a session already replaced is stale and leaves the device online.
// Heartbeats are coalesced: a steady device's row is rewritten once per LAST_SEEN_STEP.
import { afterAll, describe, expect, it } from "vitest";
import {
  heartbeatChannel,
  LAST_SEEN_STEP_SECONDS,
  presenceChannel,
} from "../../server/domains/fleet/channel/core-channels";
import { addToBatch, newBatch, writeOrgBatch } from "../../server/domains/fleet/channel/ingest";
import { getDb } from "../../server/platform/db/client";
import { closeQueues } from "../../server/platform/jobs/queues";
import { addDevice, asOrg, overlayOrg } from "../../testkit/factories/overlay";

afterAll(() => closeQueues());

const now = () => new Date().toISOString();
const online = (id: string) =>
  asOrg(orgIdOf(id), (tx) => tx.device.findUniqueOrThrow({ where: { id, orgId: orgIdOf(id) } }));
const owners = new Map<string, string>();
const orgIdOf = (deviceId: string) => owners.get(deviceId) as string;

async function write(orgId: string, fill: (b: ReturnType<typeof newBatch>) => void) {
  const b = newBatch();
  fill(b);
  expect(await writeOrgBatch(getDb(), orgId, b, () => {})).not.toBe("busy");
}

describe("presence in one batch", () => {
  it("ends offline when the heartbeat and the offline presence arrive together", async () => {
    const o = await overlayOrg(["HQ"]);
    const d = await addDevice(o.orgId, o.siteIds[0]!, { online: true });
    owners.set(d.id, o.orgId);
    const session = "a1".repeat(8);
    await write(o.orgId, (b) =>
      addToBatch(b, presenceChannel, d.id, { v: 1, online: true, at: now(), session }),
    );
    await write(o.orgId, (b) => {
      addToBatch(b, heartbeatChannel, d.id, {
        v: 1,
        at: now(),
        uptimeSeconds: 1,
        revision: 0,
        simulated: true,
      });
      addToBatch(b, presenceChannel, d.id, { v: 1, online: false, at: now(), session });
    });
    expect((await online(d.id)).online).toBe(false);
  });

  it("keeps a device online when the will of a replaced session arrives", async () => {
    const o = await overlayOrg(["HQ"]);
    const d = await addDevice(o.orgId, o.siteIds[0]!);
    owners.set(d.id, o.orgId);
    const [first, second] = ["b1".repeat(8), "c2".repeat(8)];
    await write(o.orgId, (b) =>
      addToBatch(b, presenceChannel, d.id, { v: 1, online: true, at: now(), session: first }),
    );
    await write(o.orgId, (b) =>
      addToBatch(b, presenceChannel, d.id, { v: 1, online: true, at: now(), session: second }),
    );
    // The first process's connection is gone (taken over); the broker sends its will.
    await write(o.orgId, (b) =>
      addToBatch(b, presenceChannel, d.id, { v: 1, online: false, at: now(), session: first }),
    );
    const row = await online(d.id);
    expect(row).toMatchObject({ online: true, session: second, prevSession: first });
  });

  it("rewrites a steady device's row once per step, and at once when something changed", async () => {
    const o = await overlayOrg(["HQ"]);
    const d = await addDevice(o.orgId, o.siteIds[0]!, { online: true });
    owners.set(d.id, o.orgId);
    const version = async () => {
      const [row] = await asOrg(
        o.orgId,
        (tx) =>
          tx.$queryRaw<{ v: string; seen: Date | null; online: boolean }[]>`
          SELECT xmin::text AS v, "lastSeenAt" AS seen, online FROM devices WHERE id = ${d.id}`,
      );
      return row as { v: string; seen: Date | null; online: boolean };
    };
    const beat = (clock?: { offsetMs: number; checkedAt: string }) =>
      write(o.orgId, (b) =>
        addToBatch(b, heartbeatChannel, d.id, {
          v: 1,
          at: now(),
          uptimeSeconds: 5,
          revision: 0,
          simulated: true,
          ...(clock ? { clock } : {}),
        }),
      );
    const setRow = (data: { lastSeenAt?: Date; online?: boolean }) =>
      asOrg(o.orgId, (tx) => tx.device.update({ where: { id: d.id, orgId: o.orgId }, data }));

    await beat(); // never seen: written
    const first = await version();
    expect(first.seen).not.toBeNull();
    await beat(); // seen just now, nothing new: no write at all
    await beat();
    expect(await version()).toEqual(first);

    // Past the step: written again.
    await setRow({ lastSeenAt: new Date(Date.now() - (LAST_SEEN_STEP_SECONDS + 5) * 1000) });
    const stale = await version();
    await beat();
    const refreshed = await version();
    expect(refreshed.v).not.toBe(stale.v);
    expect(refreshed.seen!.getTime()).toBeGreaterThan(Date.now() - 60_000);

    // A new clock measurement is written at once; the same one again is not.
    const clock = { offsetMs: 1500, checkedAt: now() };
    await beat(clock);
    const measured = await version();
    expect(measured.v).not.toBe(refreshed.v);
    await beat(clock);
    expect((await version()).v).toBe(measured.v);

    // Marked offline (the sweep, a will): the next heartbeat brings it back at once.
    await setRow({ online: false });
    await beat();
    expect((await version()).online).toBe(true);
  });
});
