// The fleet revision sweep repairs a compile job that failed for good: it retries it (with
// its attempts renewed), sweeps on several replicas at once queue it once, and the real
// workers then compile the revision. The failure is a real BullMQ one: the job is taken
// the way a worker takes it and failed with an UnrecoverableError.
import { UnrecoverableError, Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { sweepFleetRevisions } from "../../server/domains/fleet/compile/revision-sweep";
import { compileJob } from "../../server/domains/fleet/jobs/fleet-compile";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { closeQueues, getQueue } from "../../server/platform/jobs/queues";
import { closeRedis, createRedis, queuePrefix, quitRedis } from "../../server/platform/redis";
import { Cleanups } from "../../testkit/cleanups";
import { addRule, createTenant } from "../../testkit/factories/tenant";
import { until } from "../../testkit/wait";
import { runWorkers } from "../../workers/run-workers";

const cleanups = new Cleanups();
afterAll(async () => {
  await cleanups.run();
  await closeQueues();
  await closeRedis();
});

const compiledOf = async (orgId: string) =>
  (await withScope(getDb(), { orgId }, (tx) => tx.fleetRevision.findUnique({ where: { orgId } })))
    ?.compiled ?? 0;

describe("the fleet revision sweep", () => {
  it("retries a compile job that failed for good, once across replicas, and it compiles", async () => {
    // An org with a site (so with a CA and a fleet), and no workers yet.
    const tenant = await createTenant();
    const { revision } = await addRule(tenant, 1);
    const id = compileJob.jobId?.({ orgId: tenant.orgId, revision }) as string;
    const queue = getQueue(compileJob.queue);
    expect(await (await queue.getJob(id))?.getState()).toBe("waiting");

    // Fail it for good, as a worker whose handler threw an unrecoverable error would.
    const connection = createRedis();
    const manual = new Worker(compileJob.queue, null, { connection, prefix: queuePrefix() });
    cleanups.add(async () => {
      await manual.close();
      await quitRedis(connection);
    });
    // Both of the org's compile jobs (the site's revision and the rule's) are taken.
    const token = "test-token";
    const taken: string[] = [];
    for (;;) {
      const job = await manual.getNextJob(token, { block: false });
      if (!job) break;
      taken.push(job.id as string);
      await job.moveToFailed(new UnrecoverableError("compile failed for good"), token, false);
    }
    expect(taken).toContain(id);
    expect(await (await queue.getJob(id))?.getState()).toBe("failed");

    // Three replicas sweep at once: the job is retried once, and waits again.
    // (Other test files' orgs may be behind too: only this org's entries count.)
    const mine = (sweeps: Awaited<ReturnType<typeof sweepFleetRevisions>>[]) =>
      sweeps.flat().filter((q) => q.orgId === tenant.orgId);
    const sweeps = await Promise.all([1, 2, 3].map(() => sweepFleetRevisions(getDb())));
    expect(mine(sweeps)).toEqual([{ orgId: tenant.orgId, revision, how: "retried" }]);
    const retried = await queue.getJob(id);
    expect(await retried?.getState()).toBe("waiting");
    expect(retried?.attemptsMade).toBe(0);

    // The real workers take it and compile the revision.
    const stop = runWorkers(getDb(), () => {});
    cleanups.add(stop);
    await until(
      "the revision to compile",
      async () => (await compiledOf(tenant.orgId)) === revision,
    );
    // Nothing behind any more: the next sweep queues nothing.
    expect(mine([await sweepFleetRevisions(getDb())])).toEqual([]);
  });

  it("reads across orgs only in its own transaction: a tenant's scope still sees its org alone", async () => {
    const a = await createTenant();
    const b = await createTenant();
    await addRule(b, 1); // b is behind until a worker compiles it
    const seen = await withScope(getDb(), { orgId: a.orgId }, async (tx) => {
      const rows = await tx.$queryRaw<{ orgId: string }[]>`SELECT "orgId" FROM fleet_revisions`;
      return rows.map((r) => r.orgId);
    });
    expect(seen).toEqual([a.orgId]);
    // The directory policy reads, never writes: with it on, another org's row cannot change.
    const changed = await withScope(getDb(), { orgId: a.orgId }, async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.fleet_directory', 'on', true)`;
      return tx.$executeRaw`UPDATE fleet_revisions SET compiled = revision WHERE "orgId" = ${b.orgId}`;
    });
    expect(changed).toBe(0);
  });
});
