import { Queue } from "bullmq";
import type { z } from "zod";
import { createRedis, queuePrefix } from "../redis";
import type { JobDefinition } from "./define-job";

type Entry = { queue: Queue; connection: ReturnType<typeof createRedis> };
const globalForQueues = globalThis as unknown as { patronusQueues?: Map<string, Entry> };

export function getQueue(name: string): Queue {
  globalForQueues.patronusQueues ??= new Map();
  let entry = globalForQueues.patronusQueues.get(name);
  if (!entry) {
    // bullmq 6 does not own a connection passed in: we quit it in closeQueues().
    const connection = createRedis();
    entry = { queue: new Queue(name, { connection, prefix: queuePrefix() }), connection };
    globalForQueues.patronusQueues.set(name, entry);
  }
  return entry.queue;
}

export async function enqueue<P extends z.ZodType>(
  def: JobDefinition<P>,
  payload: z.infer<P>,
  opts: { delayMs?: number } = {},
) {
  const data = def.payload.parse(payload);
  return getQueue(def.queue).add(def.name, data, {
    jobId: def.jobId?.(data),
    delay: opts.delayMs,
    attempts: def.attempts,
    backoff: { type: "exponential", delay: def.backoffMs },
    removeOnComplete: 1000,
    removeOnFail: 5000,
  });
}

/** For orderly shutdown and tests. */
export async function closeQueues() {
  const queues = globalForQueues.patronusQueues;
  if (!queues) return;
  await Promise.all(
    [...queues.values()].map(async ({ queue, connection }) => {
      await queue.close();
      await connection.quit();
    }),
  );
  queues.clear();
}
