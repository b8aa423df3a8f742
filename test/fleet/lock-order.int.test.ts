// The fleet's writers on one org, all at once, round after round: compiles, the ingest's
// batches of tunnel keys (devices, then the revision) and of state reports (devices in the
// batch's order), a person revoking a tunnel end (a device, then the revision) and the
// presence sweep. Without the org's fleet lock (server/domains/fleet/fleet-lock.ts) PostgreSQL
// aborts some of them as deadlocked (40P01) within a few rounds; with it none fail. An
// ingest batch does not wait for the lock: it is turned away, untouched, and written on a
// later try, as the ingest's flush does.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { presenceChannel, stateChannel } from "../../server/domains/fleet/channel/core-channels";
import {
  addToBatch,
  newBatch,
  type OrgBatch,
  writeOrgBatch,
} from "../../server/domains/fleet/channel/ingest";
import { markSilentDevicesOffline } from "../../server/domains/fleet/channel/presence-sweep";
import { compileOrg } from "../../server/domains/fleet/compile/compile-org";
import { lockOrgFleet } from "../../server/domains/fleet/fleet-lock";
import { overlayStatusChannel } from "../../server/domains/overlay/ingest";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { closeQueues } from "../../server/platform/jobs/queues";
import { addDevice, asOrg, linkInput, overlayOrg } from "../../testkit/factories/overlay";

afterAll(closeQueues);

const DEVICES = 12;
const ROUNDS = 12;

const newKey = () => randomBytes(32).toString("base64");
const quiet = () => {};

/** Writes a batch as the ingest's flush would: again a little later while the lock is taken. */
async function ingest(orgId: string, batch: OrgBatch) {
  while ((await writeOrgBatch(getDb(), orgId, batch, quiet)) === "busy")
    await new Promise((r) => setTimeout(r, 5));
}

/** Every device reports a new tunnel key, in the order given. */
function keysBatch(ids: string[]) {
  const b = newBatch();
  for (const id of ids)
    addToBatch(b, overlayStatusChannel, id, {
      v: 1,
      at: new Date().toISOString(),
      publicKey: newKey(),
      tunnels: [],
    });
  return b;
}

/** Every device reports its state and presence, in the order given. */
function statesBatch(ids: string[], round: number) {
  const b = newBatch();
  for (const id of ids) {
    addToBatch(b, stateChannel, id, {
      v: 1,
      revision: round,
      hash: null,
      status: "failed",
      error: `round ${round}`,
      appliedAt: null,
    });
    addToBatch(b, presenceChannel, id, { v: 1, online: true, at: new Date().toISOString() });
  }
  return b;
}

describe("the org's fleet lock", () => {
  it("lets compiles, ingest batches, revocations and the presence sweep race without a deadlock", async () => {
    const o = await overlayOrg(["HQ", "Branch"]);
    for (const siteId of o.siteIds)
      await o.api.overlay.links.create({
        orgSlug: o.slug,
        ...linkInput(siteId, "fiber", "eth0"),
      });
    const ids: string[] = [];
    for (let i = 0; i < DEVICES; i++)
      ids.push((await addDevice(o.orgId, o.siteIds[i % 2]!, { hostname: `box-${i}` })).id);
    // Tunnel ends to revoke, one a round; a key makes each revocation bump the revision.
    const spare: string[] = [];
    for (let i = 0; i < ROUNDS; i++)
      spare.push((await addDevice(o.orgId, o.siteIds[i % 2]!, { hostname: `spare-${i}` })).id);
    await ingest(o.orgId, keysBatch(spare));

    const failures: string[] = [];
    const run = (what: string, p: Promise<unknown>) =>
      p.catch((e: Error) => failures.push(`${what}: ${e.message.split("\n").at(-1)}`));
    for (let round = 1; round <= ROUNDS; round++) {
      const reversed = [...ids].reverse();
      await Promise.all([
        run("compile", compileOrg(getDb(), o.orgId)),
        run("keys", ingest(o.orgId, keysBatch(ids))),
        run("states", ingest(o.orgId, statesBatch(reversed, round))),
        run("keys, reversed", ingest(o.orgId, keysBatch(reversed))),
        run("compile again", compileOrg(getDb(), o.orgId)),
        run("revoke", o.api.device.revoke({ orgSlug: o.slug, deviceId: spare[round - 1]! })),
        run("presence sweep", markSilentDevicesOffline(getDb())),
      ]);
    }
    expect(failures).toEqual([]);

    // Every batch was written: the last round's states are there, and the last compile
    // caught up with every revision the keys and revocations made.
    await compileOrg(getDb(), o.orgId);
    const { fr, devices } = await asOrg(o.orgId, async (tx) => ({
      fr: await tx.fleetRevision.findUniqueOrThrow({ where: { orgId: o.orgId } }),
      devices: await tx.device.findMany({ where: { orgId: o.orgId, id: { in: ids } } }),
    }));
    expect(fr.compiled).toBe(fr.revision);
    expect(devices.map((d) => d.lastError)).toEqual(ids.map(() => `round ${ROUNDS}`));
  }, 120_000);

  it("turns an ingest batch away, writing nothing, while another transaction holds the lock", async () => {
    const o = await overlayOrg(["HQ"]);
    const id = (await addDevice(o.orgId, o.siteIds[0]!)).id;
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    const holder = withScope(getDb(), { orgId: o.orgId }, async (tx) => {
      await lockOrgFleet(tx, o.orgId);
      locked();
      await released;
    });
    await isLocked;
    expect(await writeOrgBatch(getDb(), o.orgId, statesBatch([id], 7), quiet)).toBe("busy");
    const lastError = async () =>
      (await asOrg(o.orgId, (tx) => tx.device.findUniqueOrThrow({ where: { id, orgId: o.orgId } })))
        .lastError;
    expect(await lastError()).toBeNull();
    release();
    await holder;
    expect(await writeOrgBatch(getDb(), o.orgId, statesBatch([id], 7), quiet)).toEqual({
      advanced: false,
    });
    expect(await lastError()).toBe("round 7");
  });
});
