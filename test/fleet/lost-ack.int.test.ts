// An ack lost in flight (a state report that died with the broker or the ingest worker
// holding it) is made up by the device's next heartbeat, which carries the revision the
// agent runs. Failed before: the chaos test's rollout halted with "canary timed out" though
// every canary ran the new revision. Heartbeats naming another revision than the desired
// one, or another org's device, change nothing.
import { afterAll, describe, expect, it } from "vitest";
import { heartbeatChannel } from "../../server/domains/fleet/channel/core-channels";
import { addToBatch, newBatch, writeOrgBatch } from "../../server/domains/fleet/channel/ingest";
import { compileOrg } from "../../server/domains/fleet/compile/compile-org";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { closeQueues } from "../../server/platform/jobs/queues";
import { closeRedis } from "../../server/platform/redis";
import { addRule, createTenant } from "../../testkit/factories/tenant";

afterAll(async () => {
  await closeQueues();
  await closeRedis();
});

const scoped = <T>(orgId: string, fn: Parameters<typeof withScope<T>>[2]) =>
  withScope(getDb(), { orgId }, fn);

const heartbeat = (revision: number) => ({
  v: 1 as const,
  at: new Date().toISOString(),
  uptimeSeconds: 60,
  revision,
  simulated: true,
});

async function heartbeats(orgId: string, byDevice: [string, number][]) {
  const b = newBatch();
  for (const [id, revision] of byDevice) addToBatch(b, heartbeatChannel, id, heartbeat(revision));
  expect(await writeOrgBatch(getDb(), orgId, b, () => {})).not.toBe("busy");
}

/** An org of `n` active devices, a rule added and compiled: a rollout whose canary runs first. */
async function rollingOrg(n: number) {
  const tenant = await createTenant();
  const { orgId } = tenant;
  await scoped(orgId, (tx) =>
    tx.device.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        orgId,
        siteId: tenant.siteId,
        hostname: `box-${i}`,
        status: "active" as const,
        online: true,
      })),
    }),
  );
  const { revision } = await addRule(tenant, 1);
  const outcome = await compileOrg(getDb(), orgId);
  expect(outcome).toMatchObject({ revision, stage: "canary" });
  const devices = await scoped(orgId, (tx) =>
    tx.device.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
  );
  const rollout = () =>
    scoped(orgId, (tx) => tx.rollout.findFirstOrThrow({ where: { orgId, revision } }));
  return { orgId, revision, devices, rollout, canaryIds: (await rollout()).canaryIds };
}

describe("acks lost in flight", () => {
  it("are made up by the heartbeat that names the desired revision, and the rollout moves on", async () => {
    const o = await rollingOrg(20);
    expect(o.canaryIds.length).toBeGreaterThan(0);
    const canaries = o.devices.filter((d) => o.canaryIds.includes(d.id));
    expect(canaries.every((d) => d.desiredRevision === o.revision)).toBe(true);

    await heartbeats(
      o.orgId,
      canaries.map((d) => [d.id, o.revision]),
    );

    const after = await scoped(o.orgId, (tx) =>
      tx.device.findMany({ where: { orgId: o.orgId, id: { in: o.canaryIds } } }),
    );
    for (const d of after) {
      expect(d.reportedRevision).toBe(o.revision);
      expect(d.applyStatus).toBe("applied");
      expect(d.reportedHash).toBe(d.desiredHash);
    }
    expect((await o.rollout()).status).toBe("rolling");
  });

  it("are not made up from a heartbeat naming another revision or another org's device", async () => {
    const o = await rollingOrg(20);
    const other = await rollingOrg(20);
    const canary = o.canaryIds[0]!;
    const rest = o.devices.find((d) => !o.canaryIds.includes(d.id))!;

    // An older revision, a newer one than desired, a device not yet asked to change.
    await heartbeats(o.orgId, [
      [canary, o.revision - 1],
      [rest.id, o.revision],
    ]);
    await heartbeats(o.orgId, [[canary, o.revision + 1]]);
    // Org B's canary named in a batch of org A.
    await heartbeats(o.orgId, [[other.canaryIds[0]!, other.revision]]);

    const mine = await scoped(o.orgId, (tx) =>
      tx.device.findMany({ where: { orgId: o.orgId, id: { in: [canary, rest.id] } } }),
    );
    expect(mine.every((d) => d.reportedRevision === 0 && d.applyStatus === null)).toBe(true);
    const theirs = await scoped(other.orgId, (tx) =>
      tx.device.findUniqueOrThrow({ where: { id: other.canaryIds[0]!, orgId: other.orgId } }),
    );
    expect(theirs.reportedRevision).toBe(0);
    expect((await o.rollout()).status).toBe("canary");
    expect((await other.rollout()).status).toBe("canary");
  });
});
