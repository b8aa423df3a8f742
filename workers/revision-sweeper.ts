// Runs the fleet revision sweep (server/domains/fleet/compile/revision-sweep.ts) in every
// worker process: on a local timer, and as soon as the producer connection to Redis is ready
// again after an outage, so changes committed while Redis was away compile within moments
// of its return instead of waiting for a BullMQ schedule (which itself needs Redis).
import { sweepFleetRevisions } from "../server/domains/fleet/compile/revision-sweep";
import { compileJob } from "../server/domains/fleet/jobs/fleet-compile";
import type { Db } from "../server/platform/db/client";
import { onQueueReady } from "../server/platform/jobs/queues";

export const REVISION_SWEEP_EVERY_MS = 30_000;

export function startRevisionSweeper(
  db: Db,
  log: (line: string) => void,
  everyMs = REVISION_SWEEP_EVERY_MS,
) {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const run = () => {
    if (stopped) return;
    // One sweep at a time per process; a trigger during a sweep runs one more after it.
    if (running) {
      again = true;
      return;
    }
    running = sweepFleetRevisions(db)
      .then((queued) => {
        if (queued.length) log(`fleet revision sweep: queued ${queued.length} compile(s)`);
      })
      .catch((error: Error) => log(`fleet revision sweep failed: ${error.message}`))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const timer = setInterval(run, everyMs);
  timer.unref();
  const unsubscribe = onQueueReady(compileJob.queue, run);
  return async () => {
    stopped = true;
    clearInterval(timer);
    unsubscribe();
    await running;
  };
}
