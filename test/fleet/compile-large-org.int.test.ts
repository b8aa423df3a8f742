// A large org compiles through the default path: its devices are staged in chunks of
// COMPILE_CHUNK, each its own short transaction, and the rollout covers every device. Before
// the chunking, an org's whole compile ran in one transaction under Prisma's 5 s default;
// at this size that transaction took longer than 5 s here (the test prints its compile's
// time), rolled back, and after its retries the org could never roll out again.
// No workers run here: the test drives compileOrg itself, as the compile job's handler does.
import { afterAll, describe, expect, it } from "vitest";
import { COMPILE_CHUNK, compileOrg } from "../../server/domains/fleet/compile/compile-org";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { closeQueues } from "../../server/platform/jobs/queues";
import { closeRedis } from "../../server/platform/redis";
import { addRule, createTenant } from "../../testkit/factories/tenant";

afterAll(async () => {
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
  }, 300_000);
});
