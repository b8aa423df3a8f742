import { Cluster, Redis, type RedisOptions } from "ioredis";
import { env } from "./env";
import { parseRedisClusterNodes } from "./redis-nodes";

/** A connection to the stack's Redis: one server, or a Redis Cluster (REDIS_CLUSTER_NODES). */
export type RedisClient = Redis | Cluster;

/** What a connection's role asks of it, the same on one server and on each cluster node. */
type RoleOptions = Pick<
  RedisOptions,
  "maxRetriesPerRequest" | "commandTimeout" | "enableOfflineQueue" | "lazyConnect" | "keyPrefix"
>;

/**
 * A connection with `role`'s options: to `url` when given (a test's own server), else to the
 * cluster REDIS_CLUSTER_NODES names, else to REDIS_URL. On a cluster the options apply to
 * every node's connection, the offline queue to the cluster's own (commands that wait for
 * the slot map), so each role behaves as it does on one server.
 */
export function connectRedis(role: RoleOptions, url?: string): RedisClient {
  const cluster = url === undefined ? parseRedisClusterNodes(env.REDIS_CLUSTER_NODES) : null;
  if (!cluster) return new Redis(url ?? env.REDIS_URL, role);
  const { enableOfflineQueue, lazyConnect, ...perNode } = role;
  return new Cluster(cluster.nodes, {
    enableOfflineQueue,
    lazyConnect,
    redisOptions: {
      ...perNode,
      ...(cluster.username ? { username: cluster.username } : {}),
      ...(cluster.password ? { password: cluster.password } : {}),
      ...(cluster.tls ? { tls: {} } : {}),
    },
  });
}

/** True when the stack's Redis is a Redis Cluster. */
export const redisIsCluster = () => parseRedisClusterNodes(env.REDIS_CLUSTER_NODES) !== null;

/**
 * A new connection for BullMQ Workers and subscribers: they must wait out an outage
 * (maxRetriesPerRequest: null, which BullMQ requires of blocking connections). Nothing a
 * request waits on may use it. The caller quits it.
 */
export function createRedis(url?: string) {
  return connectRedis({ maxRetriesPerRequest: null, lazyConnect: false }, url);
}

/** How long a request-path Redis command may take before it fails (ms). */
export const REQUEST_REDIS_TIMEOUT_MS = 1_000;

/**
 * A connection for producers (BullMQ Queues): while Redis is unreachable a command fails at
 * once instead of waiting in ioredis' offline queue for the whole outage, so a request that
 * enqueues after its commit answers promptly. BullMQ itself still waits for the first
 * 'ready' before a Queue's first command; queues.ts bounds that wait.
 */
export function createProducerRedis(url?: string) {
  return connectRedis(
    {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      // A connected but stalled Redis (paused, overloaded) is bounded too.
      commandTimeout: 5_000,
    },
    url,
  );
}

/** Quits `redis`, or drops it when it is not connected (quit needs a writable socket). */
export async function quitRedis(redis: RedisClient) {
  await redis.quit().catch(() => redis.disconnect());
}

const globalForRedis = globalThis as unknown as { patronusRedis?: RedisClient };

/**
 * The process-wide shared connection for plain commands (rate limits, caches). Requests use
 * it, so no command waits longer than REQUEST_REDIS_TIMEOUT_MS, and while Redis is away a
 * queued command fails at the next failed reconnect: callers decide what an outage means
 * (the rate limits fail open, see redisAvailable).
 */
export function getRedis(): RedisClient {
  globalForRedis.patronusRedis ??= connectRedis({
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
export function redisAvailable(redis: RedisClient) {
  return !["reconnecting", "close", "end"].includes(redis.status);
}

/**
 * Every key the product writes starts with this, so stacks can share a Redis. On a Redis
 * Cluster a key's slot is the hash of its first `{…}` part, else of the whole key: keys that
 * one command or transaction touches together must carry the same tag (orgSlot).
 */
export const redisKey = (...parts: string[]) => [env.REDIS_PREFIX, ...parts].join(":");

/**
 * A hash tag for an org's keys (`{org:<id>}`), so that a batch of one org's keys written in
 * one MULTI lands in one slot of a Redis Cluster. Put it before any text a client controls:
 * the first `{…}` of a key is its tag. Orgs spread over the slots; one org's keys share one.
 */
export const orgSlot = (orgId: string) => `{org:${orgId}}`;

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
