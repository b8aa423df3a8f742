import { Redis } from "ioredis";
import { env } from "./env";

/** A new connection; BullMQ needs maxRetriesPerRequest: null. The caller quits it. */
export function createRedis(url = env.REDIS_URL) {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

const globalForRedis = globalThis as unknown as { patronusRedis?: Redis };

/** The process-wide shared connection for plain commands (rate limits, caches). */
export function getRedis(): Redis {
  globalForRedis.patronusRedis ??= createRedis();
  return globalForRedis.patronusRedis;
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
  if (redis) await redis.quit();
}
