import { rmSync } from "node:fs";
import { Redis } from "ioredis";
import pg from "pg";

/** What global setup started, so global teardown (same runner process) can undo it. */
export interface Stack {
  adminUrl: string;
  database: string;
  redisUrl: string;
  redisPrefix: string;
  /** Platform PKI of the run's fleet broker, removed at teardown. */
  pkiDir?: string;
  pids: number[];
}

const KEY = "E2E_STACK";

export function saveStack(stack: Stack) {
  process.env[KEY] = JSON.stringify(stack);
}

export function loadStack(): Stack | null {
  const raw = process.env[KEY];
  return raw ? (JSON.parse(raw) as Stack) : null;
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
  for (const pid of pids) {
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** Stops the app and worker, drops the database, deletes the Redis keys. Never throws. */
export async function destroyStack(stack: Stack) {
  const problems: unknown[] = [];
  await killGroups(stack.pids).catch((e) => problems.push(e));
  try {
    const admin = new pg.Client({ connectionString: stack.adminUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${stack.database}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  } catch (e) {
    problems.push(e);
  }
  try {
    const redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    await redis.connect();
    try {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(
          cursor,
          "MATCH",
          `${stack.redisPrefix}*`,
          "COUNT",
          500,
        );
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== "0");
    } finally {
      await redis.quit();
    }
  } catch (e) {
    problems.push(e);
  }
  if (stack.pkiDir) rmSync(stack.pkiDir, { recursive: true, force: true });
  for (const p of problems) console.error("[e2e teardown]", p);
}
