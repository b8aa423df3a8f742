// Periodic sweeps as BullMQ job schedulers: any number of replicas upsert the same ones, and
// each runs once when the workers start and then once per period, on the sweeps worker.
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../../server/platform/db/client";
import { SWEEPS_QUEUE } from "../../../server/platform/jobs/define-job";
import { closeQueues, getQueue } from "../../../server/platform/jobs/queues";
import { upsertSchedules } from "../../../server/platform/jobs/schedules";
import { runWorkers } from "../../../workers/run-workers";
import { SWEEPS } from "../../../workers/sweeps";

const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
  await getQueue(SWEEPS_QUEUE).obliterate({ force: true });
  await closeQueues();
});

/** Sessions of this database that wait, and what holds them: for a failure's message. */
async function whatTheDatabaseWaitsFor() {
  const rows = await getDb().$queryRaw<unknown[]>`
    SELECT a.pid, a.state, a.wait_event_type, a.wait_event, now() - a.xact_start AS xact_age,
      left(a.query, 200) AS query, pg_blocking_pids(a.pid) AS blocked_by
    FROM pg_stat_activity a
    WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
      AND (a.state <> 'idle' OR cardinality(pg_blocking_pids(a.pid)) > 0)`;
  const orgs = await getDb().fleetTrust.count();
  return `${orgs} fleet orgs; sessions: ${JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? Number(v) : v))}`;
}

describe("sweep schedules", () => {
  it("are one scheduler each, however many replicas upsert them, and run on the workers", {
    timeout: 180_000,
  }, async () => {
    const defs = SWEEPS.map((s) => s.def);
    await Promise.all([upsertSchedules(defs), upsertSchedules(defs)]);
    const queue = getQueue(SWEEPS_QUEUE);
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every]).sort()).toEqual(
      defs.map((d) => [d.name, d.everyMs]).sort(),
    );
    const lines: string[] = [];
    stops.push(runWorkers(getDb(), (line) => lines.push(line)));
    // Workers load every area before their first run: slow on a busy machine.
    const deadline = Date.now() + 150_000;
    // `immediately`: a first run of each as the workers start.
    for (;;) {
      // A poll that times out on a saturated machine (the producer connection's 5 s
      // command timeout) is polled again, up to the deadline.
      const done = await queue.getJobs(["completed"]).then(
        (jobs) => jobs.map((j) => j.name),
        (error: Error) => {
          if (!/timed out/i.test(error.message)) throw error;
          return [] as string[];
        },
      );
      if (defs.every((d) => done.includes(d.name))) break;
      if (Date.now() > deadline) {
        const missing = defs.map((d) => d.name).filter((n) => !done.includes(n));
        const waits = await whatTheDatabaseWaitsFor();
        throw new Error(
          `sweeps did not all run: ${missing.join(", ")} missing; ${waits}; worker log: ${lines.slice(-40).join(" | ")}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await queue.getJobs(["failed"])).toEqual([]);
  });
});
