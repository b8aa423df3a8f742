// Job metrics of the workers: how long each job takes and how often it fails, by queue and
// job name, and how many jobs wait in each queue (read from Redis when scraped).
import { withTimeout } from "../settle";
import { boundedLabel } from "./labels";
import { counter, DURATION_BUCKETS, gauge, histogram, secondsSince } from "./registry";

const jobDuration = () =>
  histogram({
    name: "patronus_job_duration_seconds",
    help: "Time a job's handler took, by queue, job name and result (completed or failed)",
    labelNames: ["queue", "job", "result"] as const,
    buckets: [...DURATION_BUCKETS, 120, 300],
  });
const jobFailures = () =>
  counter({
    name: "patronus_job_failures_total",
    help: "Job attempts that failed, by queue and job name",
    labelNames: ["queue", "job"] as const,
  });

/** Runs a job's handler and records its duration and outcome. */
export async function instrumentJob<T>(queue: string, job: string, run: () => Promise<T>) {
  const start = process.hrtime.bigint();
  const labels = { queue: boundedLabel(queue), job: boundedLabel(job) };
  try {
    const result = await run();
    jobDuration().observe({ ...labels, result: "completed" }, secondsSince(start));
    return result;
  } catch (error) {
    jobDuration().observe({ ...labels, result: "failed" }, secondsSince(start));
    jobFailures().inc(labels);
    throw error;
  }
}

/** The states a queue's depth is reported in. */
export const QUEUE_STATES = ["waiting", "active", "delayed", "failed"] as const;
export type QueueCounts = Partial<Record<(typeof QUEUE_STATES)[number], number>>;

/** How long a scrape waits for Redis for the queue depths. */
export const QUEUE_DEPTH_TIMEOUT_MS = 1_000;

type DepthSource = {
  queues: readonly string[];
  countsOf: (queue: string) => Promise<QueueCounts>;
  timeoutMs: number;
};
const g = globalThis as unknown as { patronusQueueDepth?: DepthSource[] };

let reading: Promise<{ queue: string; counts?: QueueCounts }[]> | undefined;

/** The depths of every registered queue, read once per scrape for both gauges. */
function readDepths() {
  reading ??= Promise.all(
    (g.patronusQueueDepth ?? []).flatMap((src) =>
      src.queues.map(async (queue) => ({
        queue: boundedLabel(queue),
        counts: await withTimeout(
          src.countsOf(queue),
          src.timeoutMs,
          () => new Error("timed out"),
        ).catch(() => undefined),
      })),
    ),
  ).finally(() => {
    reading = undefined;
  });
  return reading;
}

/**
 * Reports the depth of `queues` at each scrape, through `countsOf` (BullMQ's getJobCounts).
 * A queue whose counts do not come within `timeoutMs` (Redis away or stalled) is left out
 * of `patronus_queue_jobs` and reported 0 in `patronus_queue_depth_up`: the scrape still
 * answers at once with everything else. Returns the function that unregisters them.
 */
export function registerQueueDepth(
  queues: readonly string[],
  countsOf: (queue: string) => Promise<QueueCounts>,
  timeoutMs = QUEUE_DEPTH_TIMEOUT_MS,
) {
  const source: DepthSource = { queues, countsOf, timeoutMs };
  g.patronusQueueDepth ??= [];
  const sources = g.patronusQueueDepth;
  sources.push(source);
  gauge({
    name: "patronus_queue_depth_up",
    help: "1 when the queue's depth was read at this scrape, 0 when Redis did not answer in time",
    labelNames: ["queue"] as const,
    async collect() {
      this.reset();
      for (const d of await readDepths()) this.set({ queue: d.queue }, d.counts ? 1 : 0);
    },
  });
  gauge({
    name: "patronus_queue_jobs",
    help: "Jobs in a queue by state (waiting, active, delayed, failed), read at scrape time",
    labelNames: ["queue", "state"] as const,
    async collect() {
      this.reset();
      for (const { queue, counts } of await readDepths())
        if (counts)
          for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state] ?? 0);
    },
  });
  return () => {
    const i = sources.indexOf(source);
    if (i >= 0) sources.splice(i, 1);
  };
}
