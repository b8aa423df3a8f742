// A BullMQ queue of a metrics test's own, worked through instrumentJob: a job named
// "explode" fails, any other completes; the queue's depth is registered for the scrape.
import { type Queue, Worker } from "bullmq";
import { getQueue } from "../../../server/platform/jobs/queues";
import {
  instrumentJob,
  QUEUE_STATES,
  registerQueueDepth,
} from "../../../server/platform/metrics/jobs";
import { createRedis, queuePrefix } from "../../../server/platform/redis";
import { until } from "../../../testkit/wait";

/** The queue; what undoes it (worker, connection, jobs, registration) goes to `cleanups`. */
export function instrumentedQueue(
  queueName: string,
  cleanups: (() => Promise<unknown> | unknown)[],
): Queue {
  const connection = createRedis();
  const worker = new Worker(
    queueName,
    (job) =>
      instrumentJob(queueName, job.name, async () => {
        if (job.name === "explode") throw new Error("boom");
        return "done";
      }),
    { connection, prefix: queuePrefix() },
  );
  worker.on("error", () => {});
  cleanups.push(async () => {
    await worker.close();
    await connection.quit();
  });
  const queue = getQueue(queueName);
  cleanups.push(() => queue.obliterate({ force: true }));
  cleanups.push(registerQueueDepth([queueName], (q) => getQueue(q).getJobCounts(...QUEUE_STATES)));
  return queue;
}

/** Waits until one job completed and one failed. */
export const bothJobsEnded = (queue: Queue) =>
  until("both jobs ended", async () => {
    const c = await queue.getJobCounts("completed", "failed");
    return c.completed === 1 && c.failed === 1;
  });
