import { type Job, UnrecoverableError, Worker } from "bullmq";
import type { Db } from "../server/platform/db/client";
import { jobTraceOf } from "../server/platform/jobs/define-job";
import { log as baseLog, withLogContext } from "../server/platform/log/logger";
import { instrumentJob } from "../server/platform/metrics/jobs";
import { createRedis, queuePrefix } from "../server/platform/redis";
import { principalLabel, systemPrincipal } from "../server/platform/tenancy/principal";
import { contextOf, inSpan, SpanKind } from "../server/platform/tracing/spans";
import { JOBS } from "./registry";
import { startRevisionSweeper } from "./revision-sweeper";

const entryOf = (queue: string, name: string) =>
  JOBS.find((j) => j.def.queue === queue && j.def.name === name);

/**
 * Starts one BullMQ Worker per queue (but those in `o.except`: a test that runs a sweep
 * itself leaves the sweeps queue out). Returns a stop function that drains in-flight jobs
 * and quits the Redis connections it opened.
 */
export function runWorkers(
  db: Db,
  log: (line: string) => void = (line) => baseLog.info(line),
  o: { except?: readonly string[] } = {},
) {
  const queues = [...new Set(JOBS.map((j) => j.def.queue))].filter((q) => !o.except?.includes(q));
  const connections: ReturnType<typeof createRedis>[] = [];
  const workers = queues.map((queue) => {
    const connection = createRedis();
    connections.push(connection);
    const run = async (job: Job) => {
      const entry = entryOf(queue, job.name);
      if (!entry) throw new UnrecoverableError(`no handler for job ${job.name}`);
      const parsed = entry.def.payload.safeParse(job.data);
      // A malformed payload will never get better: fail once, do not retry.
      if (!parsed.success) throw new UnrecoverableError(`bad payload: ${parsed.error.message}`);
      const orgId = (parsed.data as { orgId?: unknown }).orgId;
      // Every line the handler logs says which job, which org, and that a job did it.
      return withLogContext(
        {
          jobId: `${job.name}:${job.id}`,
          principal: principalLabel(systemPrincipal(job.name)),
          ...(typeof orgId === "string" ? { orgId } : {}),
        },
        () => entry.handle(db, parsed.data),
      );
    };
    const worker = new Worker(
      queue,
      // Timed whatever the outcome; an unknown job's name is labelled "other". Traced in
      // the trace of its enqueue, when its data carries one.
      (job) => {
        const known = entryOf(queue, job.name) ? job.name : "other";
        return inSpan(
          `job ${known}`,
          {
            kind: SpanKind.CONSUMER,
            parent: contextOf(jobTraceOf(job.data)),
            attributes: {
              "messaging.destination.name": queue,
              "messaging.message.id": String(job.id),
              "patronus.job.attempt": job.attemptsMade + 1,
            },
          },
          () => instrumentJob(queue, known, () => run(job)),
        );
      },
      {
        connection,
        prefix: queuePrefix(),
        concurrency: Math.max(
          8,
          ...JOBS.filter((j) => j.def.queue === queue).map((j) => j.def.concurrency ?? 8),
        ),
        // A worker that dies mid-job holds the job's lock until it expires; then the stalled
        // check hands the job to another worker. Defaults (30 s each) would hold a compile
        // back for up to a minute; the lock is renewed while a job runs, so short is safe.
        lockDuration: 15_000,
        stalledInterval: 10_000,
      },
    );
    worker.on("completed", (job, result) => {
      // A sweep that found nothing to do says nothing (one runs every minute).
      if (result || !entryOf(queue, job.name)?.def.quietWhenIdle)
        log(`${job.name} ${job.id} done: ${String(result)}`);
    });
    worker.on("failed", (job, error) => log(`${job?.name} ${job?.id} failed: ${error.message}`));
    worker.on("error", (error) => log(`worker error: ${error.message}`));
    return worker;
  });
  const stopSweeper = startRevisionSweeper(db, log);
  log(`workers running on queues: ${queues.join(", ")}`);
  return async () => {
    await stopSweeper();
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all(connections.map((c) => c.quit()));
  };
}
