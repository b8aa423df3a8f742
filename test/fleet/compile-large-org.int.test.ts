// A large org compiles through the default path: its devices are staged in chunks of
// COMPILE_CHUNK, each its own short transaction, and the rollout covers every device. Before
// the chunking, an org's whole compile ran in one transaction under Prisma's 5 s default;
// at this size that transaction took longer than 5 s here (the test prints its compile's
// time), rolled back, and after its retries the org could never roll out again.
// Publishing the rollout's last stage to every device is chunked the same way
// (PUBLISH_CHUNK): it built all 50,000 states inside one 5 s transaction, and blocked the
// process while it did. Every state reaches a real broker.
// No workers run here: the test drives compileOrg and publishPending itself, as the
// compile job's handler and the rollout do.
import mqtt from "mqtt";
import { afterAll, describe, expect, it } from "vitest";
import { TOPIC_ROOT } from "../../protocol/topics";
import { loadTrust } from "../../server/domains/fleet/broker/trust";
import {
  ControlChannel,
  closeControlChannel,
  setControlChannel,
} from "../../server/domains/fleet/channel/control-channel";
import { COMPILE_CHUNK, compileOrg } from "../../server/domains/fleet/compile/compile-org";
import { PUBLISH_CHUNK, publishPending } from "../../server/domains/fleet/compile/publish";
import { ensurePlatformPki } from "../../server/domains/fleet/pki/platform";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { env } from "../../server/platform/env";
import { closeQueues } from "../../server/platform/jobs/queues";
import { closeRedis } from "../../server/platform/redis";
import { Cleanups } from "../../testkit/cleanups";
import { addRule, createTenant } from "../../testkit/factories/tenant";
import { startBroker } from "../../testkit/stack/brokers";
import { until } from "../../testkit/wait";

const cleanups = new Cleanups();
afterAll(async () => {
  await cleanups.run();
  // The policy change queued a compile job that no worker takes here.
  await closeQueues();
  await closeRedis();
});

const DEVICES = 25 * COMPILE_CHUNK;

describe("a large org's compile", () => {
  it(`stages ${DEVICES} devices in chunks and rolls out to all of them`, async () => {
    const tenant = await createTenant();
    const { orgId } = tenant;
    const db = getDb();
    for (let i = 0; i < DEVICES; i += 5_000)
      await withScope(
        db,
        { orgId },
        (tx) =>
          tx.device.createMany({
            data: Array.from({ length: Math.min(5_000, DEVICES - i) }, (_, k) => ({
              orgId,
              siteId: tenant.siteId,
              hostname: `box-${i + k}`,
              status: "active" as const,
            })),
          }),
        { timeoutMs: 120_000 },
      );
    const { revision } = await addRule(tenant, 1);

    const chunks: number[] = [];
    const started = performance.now();
    const outcome = await compileOrg(db, orgId, { afterChunk: (n) => void chunks.push(n) });
    console.info(
      `compiled ${DEVICES} devices in ${((performance.now() - started) / 1000).toFixed(1)} s, ${chunks.length} transactions of at most ${COMPILE_CHUNK} devices`,
    );

    expect(outcome).toMatchObject({ revision, changed: DEVICES });
    expect(Math.max(...chunks)).toBeLessThanOrEqual(COMPILE_CHUNK);
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(DEVICES);
    const counts = await withScope(db, { orgId }, async (tx) => ({
      staged: await tx.device.count({ where: { orgId, stagedRevision: revision } }),
      desired: await tx.device.count({ where: { orgId, desiredRevision: revision } }),
      fleet: await tx.fleetRevision.findUniqueOrThrow({ where: { orgId } }),
      rollouts: await tx.rollout.findMany({ where: { orgId }, select: { deviceIds: true } }),
    }));
    expect(counts.staged).toBe(DEVICES);
    expect(counts.desired).toBeGreaterThan(0); // the canary stage first
    expect(counts.fleet.compiled).toBe(revision);
    expect(counts.rollouts).toHaveLength(1);
    expect(counts.rollouts[0]?.deviceIds).toHaveLength(DEVICES);

    // Run again (a retried job): nothing to do, nothing rewritten.
    expect(await compileOrg(db, orgId)).toBeUndefined();

    // The rollout's last stage: every device desires the revision, and all are published.
    await withScope(
      db,
      { orgId },
      (tx) =>
        tx.$executeRaw`UPDATE devices SET "desiredRevision" = "stagedRevision", "desiredHash" = "stagedHash"
          WHERE "orgId" = ${orgId}`,
      { timeoutMs: 120_000 },
    );
    const platform = await ensurePlatformPki(env.FLEET_PKI_DIR, env.FLEET_MASTER_KEY);
    const { skipped: _s, ...trust } = await loadTrust(db, platform);
    const broker = await startBroker("embedded", platform, trust);
    cleanups.add(() => broker.stop());
    const credentials = {
      ca: platform.caPem,
      cert: platform.controlCertPem,
      key: platform.controlKeyPem,
    };
    setControlChannel(await ControlChannel.connect({ url: broker.url, ...credentials }));
    cleanups.add(() => closeControlChannel());
    const sentPerChunk: number[] = [];
    const sent = await publishPending(db, orgId, undefined, {
      afterChunk: (n) => void sentPerChunk.push(n),
    });
    expect(sent).toBe(DEVICES);
    expect(Math.max(...sentPerChunk)).toBeLessThanOrEqual(PUBLISH_CHUNK);
    expect(sentPerChunk.length).toBe(Math.ceil(DEVICES / PUBLISH_CHUNK));

    // Each device's desired state is retained on the broker, at the revision.
    const reader = await mqtt.connectAsync(broker.url, {
      ...credentials,
      clientId: `patronus:control-plane:test-${process.pid}`,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    cleanups.add(() => reader.endAsync(true));
    const revisions = new Map<string, number>();
    reader.on("message", (topic, payload) =>
      revisions.set(topic, (JSON.parse(payload.toString()) as { revision: number }).revision),
    );
    await reader.subscribeAsync(`${TOPIC_ROOT}/+/desired`, { qos: 0 });
    await until("every device's retained desired state", () => revisions.size === DEVICES, {
      timeoutMs: 120_000,
    });
    expect(new Set(revisions.values())).toEqual(new Set([revision]));

    // Later test files' workers have nothing of this org to roll out or to sweep.
    await withScope(
      db,
      { orgId },
      async (tx) => {
        await tx.$executeRaw`DELETE FROM rollouts WHERE "orgId" = ${orgId}`;
        await tx.$executeRaw`DELETE FROM devices WHERE "orgId" = ${orgId}`;
      },
      { timeoutMs: 120_000 },
    );
  }, 300_000);
});
