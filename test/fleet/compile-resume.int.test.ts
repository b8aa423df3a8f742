// The compile runs in short chunks and resumes: a compile that dies after its first chunk
// leaves those devices staged, the next run stages only the rest and finishes, and every
// device ends up desiring exactly what a compile of the whole intent gives it. No workers
// run here: the test drives compileOrg itself, as the compile job's handler does.
import { afterAll, describe, expect, it } from "vitest";
import { compiledHash } from "../../server/domains/fleet/compile/compile-device";
import { compileOrg } from "../../server/domains/fleet/compile/compile-org";
import { loadSiteCompiler } from "../../server/domains/fleet/compile/load-compiler";
import { loadIntent } from "../../server/domains/fleet/intent/load-intent";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { closeQueues } from "../../server/platform/jobs/queues";
import { closeRedis } from "../../server/platform/redis";
import { addRule, createTenant } from "../../testkit/factories/tenant";

afterAll(async () => {
  // The policy changes queued compile jobs that no worker takes here.
  await closeQueues();
  await closeRedis();
});

const DEVICES = 23;
const CHUNK = 5;

const scoped = <T>(orgId: string, fn: Parameters<typeof withScope<T>>[2]) =>
  withScope(getDb(), { orgId }, fn);

describe("a chunked compile", () => {
  it("resumes after dying midway, staging each device once, and finishes idempotently", async () => {
    const tenant = await createTenant();
    const { orgId } = tenant;
    await scoped(orgId, (tx) =>
      tx.device.createMany({
        data: Array.from({ length: DEVICES }, (_, i) => ({
          orgId,
          siteId: tenant.siteId,
          hostname: `box-${i}`,
          status: "active" as const,
        })),
      }),
    );
    const { revision } = await addRule(tenant, 1);

    // The first run dies after its first chunk has committed.
    const crash = new Error("worker killed");
    await expect(
      compileOrg(getDb(), orgId, {
        chunk: CHUNK,
        afterChunk: () => {
          throw crash;
        },
      }),
    ).rejects.toBe(crash);
    const midway = await scoped(orgId, (tx) =>
      tx.device.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
    );
    expect(midway.filter((d) => d.stagedRevision === revision)).toHaveLength(CHUNK);
    expect(midway.every((d) => d.desiredRevision === 0)).toBe(true);
    const fr = await scoped(orgId, (tx) => tx.fleetRevision.findUnique({ where: { orgId } }));
    expect(fr).toMatchObject({ revision });
    expect(fr?.compiled).toBeLessThan(revision);

    // The next run stages only what the first did not, and finishes.
    const chunks: number[] = [];
    const outcome = await compileOrg(getDb(), orgId, {
      chunk: CHUNK,
      afterChunk: (n) => void chunks.push(n),
    });
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(DEVICES - CHUNK);
    expect(outcome).toMatchObject({ revision, changed: DEVICES });

    // Each device desires what a compile of the whole current intent gives it (a canary
    // first: the rest are at revision 0 until the rollout advances, with the same hash).
    const expected = await scoped(orgId, async (tx) => {
      const compile = await loadSiteCompiler(tx, orgId, await loadIntent(tx, orgId));
      return compiledHash(compile(tenant.siteId)!);
    });
    const after = await scoped(orgId, (tx) => tx.device.findMany({ where: { orgId } }));
    expect(after.every((d) => d.stagedRevision === revision && d.stagedHash === expected)).toBe(
      true,
    );
    const desired = after.filter((d) => d.desiredRevision === revision);
    expect(desired.length).toBeGreaterThan(0);
    expect(desired.every((d) => d.desiredHash === expected)).toBe(true);
    const fin = await scoped(orgId, (tx) => tx.fleetRevision.findUnique({ where: { orgId } }));
    expect(fin?.compiled).toBe(revision);
    const rollouts = await scoped(orgId, (tx) => tx.rollout.findMany({ where: { orgId } }));
    expect(rollouts).toHaveLength(1);
    expect(rollouts[0]?.deviceIds).toHaveLength(DEVICES);

    // Once more: nothing left to do, nothing rewritten.
    expect(await compileOrg(getDb(), orgId, { chunk: CHUNK })).toBeUndefined();
  });
});
