// A worker process SIGKILLed while it runs an org's compile job: the compile's transaction
// dies with the process, BullMQ recovers the job as stalled, another worker runs it, and
// the fleet converges on the new revision.
//
// How the job is recovered: a BullMQ worker holds a lock on each active job (lockDuration
// 30 s, renewed every 15 s while the job runs). The killed process stops renewing, so the
// job stays in the active list under a lock that runs out. The workers of a queue check
// for stalled jobs every stalledInterval (30 s; at most once per interval across all of
// them, so the killed worker's own check at its start counts): one check marks every active
// job as a candidate, the next moves a candidate whose lock is gone back to waiting
// (stalledCounter 1; maxStalledCount 1 allows one such recovery), and a worker runs it
// again. That takes 30 to 60 s with the defaults of workers/run-workers.ts, hence this
// test's longer bounds. Running it again is safe: the killed attempt never committed, and
// compileOrg compiles the org's newest revision from the database under the org's lock.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { env } from "../../../server/platform/env";
import { Cleanups } from "../../../testkit/cleanups";
import { devicesOf } from "../../../testkit/factories/fleet";
import {
  addRule,
  createTenant,
  enrollBoxes,
  fleetRevision,
} from "../../../testkit/factories/tenant";
import { converged, fleetState, startAgent } from "../../../testkit/stack/agents";
import { compileJobOf, stackWithControlPlane } from "../../../testkit/stack/control-plane";
import { startWorkerProcess } from "../../../testkit/stack/worker-process";
import { until } from "../../../testkit/wait";

const cleanups = new Cleanups();
const fleet = stackWithControlPlane(cleanups);

describe("a worker killed mid-compile", () => {
  it("has its compile job recovered, and the fleet converges", { timeout: 150_000 }, async () => {
    const tenant = await createTenant();
    const boxes = await enrollBoxes(fleet.stack, tenant, 3, cleanups);
    const agents = await Promise.all(boxes.map((b) => startAgent(b, cleanups)));
    const seen = () => fleetState(tenant.orgId, agents);
    const first = await fleetRevision(tenant.orgId);
    await until("the first revision everywhere", () => converged(tenant.orgId, agents, first));

    // Only the worker process may take the job.
    cleanups.add(() => fleet.cp.startWorkers());
    await fleet.cp.stopWorkers();
    const worker = await startWorkerProcess(fleet.stack, cleanups);

    // Hold the org's compile lock, so that the worker's compile blocks inside its
    // transaction: killed there, it is killed mid-compile.
    const holder = new pg.Client({ connectionString: env.DATABASE_URL });
    await holder.connect();
    cleanups.add(() => holder.end());
    await holder.query("BEGIN");
    await holder.query("SELECT pg_advisory_xact_lock(hashtext('fleet-compile'), hashtext($1))", [
      tenant.orgId,
    ]);

    const { revision } = await addRule(tenant, 1);
    const blocked = await until(
      "the worker's compile to block on the org lock",
      async () => {
        const state = await (await compileJobOf(tenant.orgId, revision))?.getState();
        const { rows } = await holder.query<{ pid: number }>(
          "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
        );
        return state === "active" && rows[0];
      },
      { seen: () => worker.output() },
    );

    worker.child.kill("SIGKILL");
    expect(await worker.exited).toBe("SIGKILL");
    await holder.query("ROLLBACK");
    // PostgreSQL ends the dead worker's session (rolling its transaction back) as soon as
    // the lock it waited for is granted and it cannot answer.
    await until("the killed worker's database session to end", async () => {
      const { rows } = await holder.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [
        blocked.pid,
      ]);
      return rows.length === 0;
    });
    // Nothing was compiled, and the job is still "active", held by nobody.
    expect(await (await compileJobOf(tenant.orgId, revision))?.getState()).toBe("active");
    expect((await devicesOf(tenant.orgId)).map((r) => r.desiredRevision)).toEqual(
      boxes.map(() => first),
    );

    fleet.cp.startWorkers();
    await until(
      "the fleet to converge on the new revision",
      () => converged(tenant.orgId, agents, revision),
      { timeoutMs: 120_000, seen },
    );
    const job = await compileJobOf(tenant.orgId, revision);
    expect(await job?.getState()).toBe("completed");
    expect(job?.stalledCounter).toBe(1);
  });
});
