import { Redis } from "ioredis";
import { env } from "./env";

/**
 * A new connection for BullMQ Workers and subscribers: they must wait out an outage
 * (maxRetriesPerRequest: null, which BullMQ requires of blocking connections). Nothing a
 * request waits on may use it. The caller quits it.
 */
export function createRedis(url = env.REDIS_URL) {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

/** How long a request-path Redis command may take before it fails (ms). */
export const REQUEST_REDIS_TIMEOUT_MS = 1_000;

/**
 * A connection for producers (BullMQ Queues): while Redis is unreachable a command fails at
 * once instead of waiting in ioredis' offline queue for the whole outage, so a request that
 * enqueues after its commit answers promptly. BullMQ itself still waits for the first
 * 'ready' before a Queue's first command; queues.ts bounds that wait.
 */
export function createProducerRedis(url = env.REDIS_URL) {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // A connected but stalled Redis (paused, overloaded) is bounded too.
    commandTimeout: 5_000,
  });
}

/** Quits `redis`, or drops it when it is not connected (quit needs a writable socket). */
export async function quitRedis(redis: Redis) {
  await redis.quit().catch(() => redis.disconnect());
}

const globalForRedis = globalThis as unknown as { patronusRedis?: Redis };

/**
 * The process-wide shared connection for plain commands (rate limits, caches). Requests use
 * it, so no command waits longer than REQUEST_REDIS_TIMEOUT_MS, and while Redis is away a
 * queued command fails at the next failed reconnect: callers decide what an outage means
 * (the rate limits fail open, see redisAvailable).
 */
export function getRedis(): Redis {
  globalForRedis.patronusRedis ??= new Redis(env.REDIS_URL, {
    maxRetriesPerRequest: 1,
    commandTimeout: REQUEST_REDIS_TIMEOUT_MS,
  });
  return globalForRedis.patronusRedis;
}

/**
 * False while `redis` is known to be away (between reconnect attempts, or closed): callers
 * on a request path skip it rather than wait. A first connect still counts as available,
 * so a fresh process does not skip its first commands.
 */
export function redisAvailable(redis: Redis) {
  return !["reconnecting", "close", "end"].includes(redis.status);
}

/** Every key the product writes starts with this, so stacks can share a Redis. */
export const redisKey = (...parts: string[]) => [env.REDIS_PREFIX, ...parts].join(":");

/**
 * BullMQ's key prefix: the stack's prefix as a Redis Cluster hash tag, so that all keys of
 * a queue (BullMQ's scripts touch several at once) land in one slot and the queues can run
 * on Redis Cluster.
 */
export const queuePrefix = () => `{${env.REDIS_PREFIX}}`;

/** Quits the shared connection, if one was made (scripts and orderly shutdown). */
export async function closeRedis() {
  const redis = globalForRedis.patronusRedis;
  globalForRedis.patronusRedis = undefined;
  if (redis) await quitRedis(redis);
}
