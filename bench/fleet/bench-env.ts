// The benchmark's own world: a fresh database (migrated, with the app role), a Redis key
// prefix, a platform PKI directory, a state root for the agents and a random master key.
// All of it goes into process.env before any server module is imported (server/platform/env.ts
// reads process.env once), and into the environment of the child processes.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { ensureAppRole } from "../../server/platform/db/app-role";
import { migrate } from "../../server/platform/db/migrate";
import { databaseUrl, deleteRedisKeys, dropDatabase } from "../../testkit/resources";

const ADMIN_URL =
  process.env.BENCH_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export interface BenchEnv {
  database: string;
  redisPrefix: string;
  /** Temp dirs removed at the end: the platform PKI and the agents' state root. */
  dirs: string[];
  stateRoot: string;
  /** What server modules and child processes read. */
  vars: Record<string, string>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates everything; `track` is called as soon as each part exists, so a failure halfway cleans up. */
export async function createBenchEnv(
  track: (env: BenchEnv) => void,
  opts: { pgLogMs?: number; stateOnTmpfs?: boolean } = {},
): Promise<BenchEnv> {
  const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const env: BenchEnv = {
    database: `patronus_bench_${suffix}`,
    redisPrefix: `pbench-${suffix}`,
    dirs: [],
    stateRoot: "",
    vars: {},
  };
  track(env);
  const pkiDir = await mkdtemp(join(tmpdir(), "patronus-bench-pki-"));
  env.dirs.push(pkiDir);
  // Agent state on this machine's disk by default, fsync'd as a box does; on tmpfs when
  // asked (--state tmpfs), where fsync costs nothing: the difference is what fsync costs
  // the agents' processes, which on real boxes is spread over their own disks.
  const shm = opts.stateOnTmpfs && existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  env.stateRoot = await mkdtemp(join(shm, "patronus-bench-agents-"));
  env.dirs.push(env.stateRoot);

  await admin(async (c) => {
    await c.query(`CREATE DATABASE ${env.database}`);
    // Investigation aid: PostgreSQL's own log gets every statement slower than this.
    if (opts.pgLogMs !== undefined) {
      const set = (name: string, value: string) =>
        c.query(`ALTER DATABASE ${env.database} SET ${name} = ${value}`);
      await set("log_min_duration_statement", String(Math.floor(opts.pgLogMs)));
      await set("log_lock_waits", "on");
      await set("deadlock_timeout", "'100ms'");
      // ... with their plans (EXPLAIN ANALYZE) when they are this slow.
      await set("session_preload_libraries", "'auto_explain'");
      await set("auto_explain.log_min_duration", String(Math.floor(opts.pgLogMs)));
      await set("auto_explain.log_analyze", "on");
      await set("auto_explain.log_buffers", "on");
    }
  });
  const ownerUrl = databaseUrl(ADMIN_URL, env.database);
  const appUrl = databaseUrl(ADMIN_URL, env.database, "patronus_app");
  await migrate(ownerUrl);
  await ensureAppRole(ownerUrl, appUrl);

  env.vars = {
    NODE_ENV: "production",
    AUTH_SECRET: randomBytes(32).toString("hex"),
    DATABASE_URL: ownerUrl,
    APP_DATABASE_URL: appUrl,
    REDIS_URL,
    REDIS_PREFIX: env.redisPrefix,
    FLEET_PKI_DIR: pkiDir,
    FLEET_MASTER_KEY: randomBytes(32).toString("hex"),
    // Production refuses the development default of every sealing key (server/platform/env.ts).
    WEBHOOK_SECRET_KEY: randomBytes(32).toString("hex"),
    FLEET_INGEST: "true",
    MAIL_OUTBOX_UI: "false",
  };
  Object.assign(process.env, env.vars);
  return env;
}

/** Drops the database, the Redis keys and the temp dirs. Each step runs even if another fails. */
export async function dropBenchEnv(env: BenchEnv): Promise<string[]> {
  const problems: string[] = [];
  const step = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      problems.push(`${what}: ${(e as Error).message}`);
    }
  };
  await step("drop database", () => dropDatabase(ADMIN_URL, env.database));
  await step("delete Redis keys", () =>
    deleteRedisKeys(REDIS_URL, env.redisPrefix, process.env.REDIS_CLUSTER_NODES),
  );
  for (const dir of env.dirs)
    await step(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
  return problems;
}

/**
 * What autovacuum would have done by now. PostgreSQL on this kind of machine may run
 * without it (CI configurations turn it off): then the fleet tables have no statistics
 * and pile up dead rows, and the planner picks plans no production database would (the
 * ingest's batched UPDATE became a nested loop over the org's devices per reported row:
 * 1.1 s for 3,000 acks at 10,000 devices).
 */
export async function vacuumFleetTables(ownerUrl: string) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query("VACUUM (ANALYZE) devices, rollouts, fleet_revisions");
  } finally {
    await client.end();
  }
}

/**
 * Autovacuum's analyze and vacuum, for a server that runs without them, for the whole run
 * (enrollment and the connect storm too, not only before each change): every `everyMs`,
 * each table of the bench database whose changes pass autovacuum's default thresholds
 * (50 rows + 10 % changed since the last analyze; 50 + 20 % dead rows) is analyzed or
 * vacuumed. Without statistics the planner takes a fast-growing table for an empty one:
 * during the 10,000-agent connect, the series dictionary's lookups used an index without
 * the device (the whole org's series per lookup) and connects stalled at 4,900 agents.
 * Returns a function that stops it.
 */
export function standInAutovacuum(ownerUrl: string, everyMs = 15_000): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const pass = async () => {
    const client = new pg.Client({ connectionString: ownerUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; analyze: boolean; vacuum: boolean }>(
        `SELECT format('%I.%I', schemaname, relname) AS name,
           n_mod_since_analyze > 50 + 0.1 * n_live_tup AS analyze,
           n_dead_tup > 50 + 0.2 * n_live_tup AS vacuum
         FROM pg_stat_user_tables
         WHERE n_mod_since_analyze > 50 + 0.1 * n_live_tup OR n_dead_tup > 50 + 0.2 * n_live_tup`,
      );
      for (const r of rows) {
        if (stopped) return;
        await client.query(`${r.vacuum ? "VACUUM (ANALYZE)" : "ANALYZE"} ${r.name}`);
      }
    } finally {
      await client.end();
    }
  };
  const timer = setInterval(() => {
    running = running.then(pass).catch((e: Error) => {
      if (!stopped) console.error(`autovacuum stand-in: ${e.message}`);
    });
  }, everyMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}

/** Whether the server runs autovacuum (for the report). */
export async function autovacuumOn(ownerUrl: string) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ autovacuum: string }>("SHOW autovacuum");
    return rows[0]?.autovacuum === "on";
  } finally {
    await client.end();
  }
}
