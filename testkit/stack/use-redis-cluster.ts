// A test file's Redis Cluster, with the process's connections pointed at it.
import { beforeAll } from "vitest";
import { env } from "../../server/platform/env";
import { closeQueues } from "../../server/platform/jobs/queues";
import { closeRedis } from "../../server/platform/redis";
import { TestRedisCluster } from "./redis-cluster";

/**
 * A test file's own Redis Cluster: started before its tests, with the process's Redis
 * connections and queues pointed at it (REDIS_CLUSTER_NODES), and stopped after them, the
 * connections closed first. Call it before any other hook that connects to Redis.
 */
export function useRedisCluster() {
  let cluster: TestRedisCluster | undefined;
  beforeAll(async () => {
    cluster = await TestRedisCluster.start();
    const previous = env.REDIS_CLUSTER_NODES;
    // Connections made before this point still go to the single Redis: drop them.
    await closeQueues();
    await closeRedis();
    Object.assign(env as Record<string, unknown>, { REDIS_CLUSTER_NODES: cluster.nodes });
    return async () => {
      await closeQueues();
      await closeRedis();
      Object.assign(env as Record<string, unknown>, { REDIS_CLUSTER_NODES: previous });
      await cluster?.stop();
    };
  });
  return {
    get cluster() {
      if (!cluster) throw new Error("the Redis Cluster starts in beforeAll");
      return cluster;
    },
  };
}
