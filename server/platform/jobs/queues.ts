import { type Job, Queue } from "bullmq";
import type { z } from "zod";
import { log } from "../log/logger";
import { createProducerRedis, queuePrefix, quitRedis, type RedisClient } from "../redis";
import { withTimeout } from "../settle";
import { currentTraceparent, inSpan, SpanKind } from "../tracing/spans";
import { type JobDefinition, withJobTrace } from "./define-job";

type Entry = { queue: Queue; connection: RedisClient };
const globalForQueues = globalThis as unknown as { patronusQueues?: Map<string, Entry> };

function entryOf(name: string): Entry {
  globalForQueues.patronusQueues ??= new Map();
  let entry = globalForQueues.patronusQueues.get(name);
  if (!entry) {
    // bullmq 6 does not own a connection passed in: we quit it in closeQueues(). A producer
    // connection: a command fails while Redis is away instead of waiting for it.
    const connection = createProducerRedis();
    const queue = new Queue(name, { connection, prefix: queuePrefix() });
    // Without a listener an unreachable Redis would be an unhandled 'error' event.
    queue.on("error", () => {});
    entry = { queue, connection };
    globalForQueues.patronusQueues.set(name, entry);
  }
  return entry;
}

export function getQueue(name: string): Queue {
  return entryOf(name).queue;
}

/**
 * Calls `fn` each time the producer connection of queue `name` becomes ready: at its first
 * connect and after every outage. Returns the unsubscribe function.
 */
export function onQueueReady(name: string, fn: () => void) {
  const { connection } = entryOf(name);
  connection.on("ready", fn);
  return () => void connection.off("ready", fn);
}

/** How long enqueueing may take before it gives up (ms): requests enqueue after commit. */
export const ENQUEUE_TIMEOUT_MS = 1_000;

export class EnqueueTimeoutError extends Error {
  override name = "EnqueueTimeoutError";
}

// A late success is harmless (job ids dedupe) and a late failure was already reported.
const bounded = <T>(what: string, ms: number, work: Promise<T>): Promise<T> =>
  withTimeout(work, ms, () => new EnqueueTimeoutError(`${what}: no answer from Redis in ${ms} ms`));

function jobOptions<P extends z.ZodType>(
  def: JobDefinition<P>,
  data: z.infer<P>,
  delayMs?: number,
) {
  return {
    jobId: def.jobId?.(data),
    delay: delayMs,
    attempts: def.attempts,
    backoff: { type: "exponential" as const, delay: def.backoffMs },
    removeOnComplete: 1000,
    removeOnFail: 5000,
  };
}

/**
 * Adds a job; fails within `timeoutMs` (default ENQUEUE_TIMEOUT_MS) when Redis does not
 * answer, so no caller waits for an outage to end. Whatever must survive a failed enqueue
 * needs a sweep that enqueues it again (the outbox sweep, the fleet revision sweep).
 */
export async function enqueue<P extends z.ZodType>(
  def: JobDefinition<P>,
  payload: z.infer<P>,
  opts: { delayMs?: number; timeoutMs?: number } = {},
) {
  const data = def.payload.parse(payload);
  return inSpan(
    `enqueue ${def.name}`,
    { kind: SpanKind.PRODUCER, attributes: { "messaging.destination.name": def.queue } },
    () =>
      bounded(
        `enqueue ${def.name}`,
        opts.timeoutMs ?? ENQUEUE_TIMEOUT_MS,
        // The job's run continues this span's trace (run-workers.ts).
        getQueue(def.queue).add(
          def.name,
          withJobTrace(data, currentTraceparent()),
          jobOptions(def, data, opts.delayMs),
        ),
      ),
  );
}

/**
 * enqueue for work a sweep also finds (after a commit): a failure is logged and swallowed,
 * since the committed rows are the durable part and the sweep will enqueue it later.
 */
export async function enqueueOrLeave<P extends z.ZodType>(
  def: JobDefinition<P>,
  payload: z.infer<P>,
  leftFor: string,
) {
  try {
    return await enqueue(def, payload);
  } catch (error) {
    log.warn(`${def.name} not enqueued; left for ${leftFor}`, {
      payload,
      error: (error as Error).message,
    });
    return undefined;
  }
}

/**
 * Makes sure the job of `payload` (a definition with deterministic ids) will run: adds it,
 * or retries it when it already ended (failed for good, or completed while its work is
 * still due). Waiting, delayed and active jobs are left alone. Safe on many replicas: the
 * add dedupes on the id and a retry moves the job only out of the state it was seen in.
 */
export async function ensureEnqueued<P extends z.ZodType>(
  def: JobDefinition<P>,
  payload: z.infer<P>,
): Promise<"added" | "retried" | "pending"> {
  const data = def.payload.parse(payload);
  const id = def.jobId?.(data);
  if (!id) throw new Error(`${def.name} has no deterministic job id`);
  const queue = getQueue(def.queue);
  const existing: Job | undefined = await bounded(
    `look up ${def.name}`,
    ENQUEUE_TIMEOUT_MS,
    queue.getJob(id),
  );
  if (!existing) {
    await enqueue(def, data);
    return "added";
  }
  const state = await bounded(`state of ${def.name}`, ENQUEUE_TIMEOUT_MS, existing.getState());
  if (state !== "failed" && state !== "completed") return "pending";
  // Another replica may have moved it first: then it is pending again, which is the goal.
  const moved = await bounded(
    `retry ${def.name}`,
    ENQUEUE_TIMEOUT_MS,
    existing.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true }),
  ).then(
    () => true,
    () => false,
  );
  return moved ? "retried" : "pending";
}

/** For orderly shutdown and tests. */
export async function closeQueues() {
  const queues = globalForQueues.patronusQueues;
  if (!queues) return;
  await Promise.all(
    [...queues.values()].map(async ({ queue, connection }) => {
      await queue.close().catch(() => undefined);
      await quitRedis(connection);
    }),
  );
  queues.clear();
}
