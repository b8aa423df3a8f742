import { rmSync } from "node:fs";
import { deleteRedisKeys, dropDatabase, killGroups } from "../testkit/resources";

/** What global setup started, so global teardown (same runner process) can undo it. */
export interface Stack {
  adminUrl: string;
  database: string;
  redisUrl: string;
  redisPrefix: string;
  /** Platform PKI of the run's fleet broker, removed at teardown. */
  pkiDir?: string;
  pids: number[];
  /** The portal server's own process (its memory is measured by e2e/security-http.spec.ts). */
  portalPid?: number;
}

const KEY = "E2E_STACK";

export function saveStack(stack: Stack) {
  process.env[KEY] = JSON.stringify(stack);
}

export function loadStack(): Stack | null {
  const raw = process.env[KEY];
  return raw ? (JSON.parse(raw) as Stack) : null;
}

/** Stops the app and worker, drops the database, deletes the Redis keys. Never throws. */
export async function destroyStack(stack: Stack) {
  const problems: unknown[] = [];
  await killGroups(stack.pids).catch((e) => problems.push(e));
  await dropDatabase(stack.adminUrl, stack.database).catch((e) => problems.push(e));
  await deleteRedisKeys(stack.redisUrl, stack.redisPrefix).catch((e) => problems.push(e));
  if (stack.pkiDir) rmSync(stack.pkiDir, { recursive: true, force: true });
  for (const p of problems) console.error("[e2e teardown]", p);
}
