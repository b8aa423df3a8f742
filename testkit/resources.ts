// The resources of a test run, an e2e run or a benchmark, made and removed the same way by
// each: its database (URL, drop), its Redis keys, its process groups.
import { Cluster, Redis } from "ioredis";
import pg from "pg";
import { parseRedisClusterNodes } from "../server/platform/redis-nodes";

/** `base` (a PostgreSQL URL) pointed at another database, and as another user if given. */
export function databaseUrl(base: string, database: string, user?: string) {
  const url = new URL(base);
  url.pathname = `/${database}`;
  if (user) {
    url.username = user;
    url.password = "";
  }
  return url.toString();
}

/** Drops `database` (closing its connections first). */
export async function dropDatabase(adminUrl: string, database: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * Deletes every key of a stack's Redis prefix: plain keys (`prefix…`) and BullMQ's, which
 * sit under the hash-tagged prefix (`{prefix}…`, server/platform/jobs/queues.ts). On a Redis
 * Cluster (`clusterNodes`, as REDIS_CLUSTER_NODES) every master is scanned.
 */
export async function deleteRedisKeys(redisUrl: string, prefix: string, clusterNodes = "") {
  const cluster = parseRedisClusterNodes(clusterNodes);
  if (!cluster) {
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      await deleteFromNode(redis, prefix);
    } finally {
      await redis.quit();
    }
    return;
  }
  const { nodes, tls, ...auth } = cluster;
  const client = new Cluster(nodes, {
    lazyConnect: true,
    redisOptions: { ...auth, ...(tls ? { tls: {} } : {}), maxRetriesPerRequest: 1 },
  });
  await client.connect();
  try {
    for (const node of client.nodes("master")) await deleteFromNode(node, prefix);
  } finally {
    await client.quit();
  }
}

/** Deletes `prefix`'s keys from one server; one key per DEL, since a cluster node refuses
 * a DEL whose keys are in different slots. */
async function deleteFromNode(redis: Redis, prefix: string) {
  for (const pattern of [`${prefix}*`, `{${prefix}*`]) {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      if (keys.length) {
        const pipeline = redis.pipeline();
        for (const key of keys) pipeline.del(key);
        await pipeline.exec();
      }
    } while (cursor !== "0");
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM each process group, then SIGKILL whatever is still there after a grace period. */
export async function killGroups(pids: number[], graceMs = 5_000) {
  const signal = (sig: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(-pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  signal("SIGKILL");
}
