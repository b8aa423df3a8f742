// Chooses PostgreSQL and Redis for this run and remembers which ones to stop at the end:
// never a server someone else runs (system service, DATABASE_URL/REDIS_URL, another
// checkout's), only the private local ones this checkout's record names.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { info } from "./log.mjs";
import { redact } from "./net.mjs";
import { resolvePostgres } from "./postgres.mjs";
import { stopLocalPostgres } from "./postgres-cluster.mjs";
import { resolveRedis, stopLocalRedis } from "./redis.mjs";

// Written by --services-only: the user wants the local servers to outlive `npm start`.
const keepFile = (dataRoot) => join(dataRoot, "services-kept");

export class Services {
  #stopPostgres = false;
  #stopRedis = false;

  constructor(dataRoot) {
    this.dataRoot = dataRoot;
  }

  /**
   * Returns { databaseUrl, redisUrl }. With `keep` (--services-only), local servers are
   * left running and marked as kept. Otherwise a local server is stopped on exit if this
   * run started it, or if an earlier `npm start` left it behind (e.g. was killed), but not
   * if it was started by --services-only.
   */
  async resolve({ explicit, localServices, keep }) {
    const skipProbe = localServices;
    const adopt = !keep && !existsSync(keepFile(this.dataRoot));
    const pg = await resolvePostgres({
      explicitUrl: explicit.databaseUrl,
      skipProbe,
      dataRoot: this.dataRoot,
    });
    this.#stopPostgres = pg.started || (adopt && pg.local === true);
    info(`PostgreSQL: ${pg.description} → ${redact(pg.url)}`);
    const redis = explicit.redisClusterNodes
      ? { url: explicit.redisUrl ?? "redis://127.0.0.1:6379", started: false, cluster: true }
      : await resolveRedis({
          explicitUrl: explicit.redisUrl,
          skipProbe,
          dataRoot: this.dataRoot,
        });
    this.#stopRedis = redis.started || (adopt && redis.local === true);
    // The nodes may carry a password: not printed.
    if (redis.cluster) info("Redis: the Redis Cluster of REDIS_CLUSTER_NODES");
    else info(`Redis: ${redis.description} → ${redact(redis.url)}`);
    if (keep && (pg.local || redis.local)) {
      mkdirSync(this.dataRoot, { recursive: true });
      writeFileSync(keepFile(this.dataRoot), "started by npm start -- --services-only\n");
      this.#stopPostgres = false;
      this.#stopRedis = false;
    }
    return { databaseUrl: pg.url, redisUrl: redis.url };
  }

  /** Stops the local servers this run is responsible for (see resolve()). */
  async stopOwned() {
    if (this.#stopRedis) await stopLocalRedis(this.dataRoot);
    if (this.#stopPostgres) await stopLocalPostgres(this.dataRoot);
    this.#stopRedis = false;
    this.#stopPostgres = false;
  }
}

/** Stops this checkout's local servers, whichever run started them (for --stop-services). */
export async function stopAllLocalServices(dataRoot) {
  const redis = await stopLocalRedis(dataRoot);
  const pg = await stopLocalPostgres(dataRoot);
  rmSync(keepFile(dataRoot), { force: true });
  if (!redis && !pg) info("no local PostgreSQL or Redis started by npm start is running");
}
