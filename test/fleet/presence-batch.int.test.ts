// Presence within one ingest batch. A device's heartbeat and its offline presence can land in
// the same batch (an agent stopping right after it connected); the heartbeat was sent first,
// so the device must end offline. Failed before heartbeats were written ahead of presence:
// the heartbeat's "online" overwrote the offline, and the device showed online for minutes.
// A last will of a session already replaced is stale and leaves the device online.
import { afterAll, describe, expect, it } from "vitest";
import {
  heartbeatChannel,
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
});
