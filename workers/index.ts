// Worker process entry point: `npm run worker`. Run as many replicas as you like.
import { closeControlChannel } from "../server/domains/fleet/channel/control-channel";
import { getDb } from "../server/platform/db/client";
import { env } from "../server/platform/env";
import { closeQueues, getQueue } from "../server/platform/jobs/queues";
import { upsertSchedules } from "../server/platform/jobs/schedules";
import { log as baseLog } from "../server/platform/log/logger";
import { QUEUE_STATES, registerQueueDepth } from "../server/platform/metrics/jobs";
import { startProcessMetrics } from "../server/platform/metrics/start";
import { startTracing } from "../server/platform/tracing/start";
import { startFleetIngest } from "./fleet-ingest";
import { JOBS } from "./registry";
import { runWorkers } from "./run-workers";
import { SWEEPS } from "./sweeps";

const workerLog = baseLog.child({ component: "worker" });
const log = (line: string) => workerLog.info(line);
const metrics = await startProcessMetrics("worker").catch((error: Error) => {
  workerLog.error("metrics endpoint not started", { error: error.message });
  process.exit(1);
});
const tracing = await startTracing("worker");
// Queue depths are read from Redis at each scrape, within a bound (Redis away: left out).
registerQueueDepth([...new Set(JOBS.map((j) => j.def.queue))], (queue) =>
  getQueue(queue).getJobCounts(...QUEUE_STATES),
);
const stop = runWorkers(getDb(), log);
const stopIngest = env.FLEET_INGEST ? startFleetIngest(getDb(), log) : async () => {};

// Periodic sweeps are BullMQ job schedulers (./sweeps.ts): once per period across replicas.
upsertSchedules(SWEEPS.map((s) => s.def))
  .then(() => log(`sweeps scheduled: ${SWEEPS.map((s) => s.def.name).join(", ")}`))
  .catch((error: Error) => workerLog.error("could not schedule the sweeps", { error }));

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await stopIngest();
    await metrics?.close();
    await stop();
    await closeControlChannel();
    await closeQueues();
    await getDb().$disconnect();
    await tracing?.shutdown();
    process.exit(0);
  });
}
