// Finds or starts the PostgreSQL server the app uses. Order: an explicit DATABASE_URL, a
// server already listening on 127.0.0.1:5432, then a private cluster started from locally
// installed binaries on port 54329 (so it never collides with a system server). Only that
// private cluster (postgres-cluster.mjs) is ever stopped.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { info, StartError, warn } from "./log.mjs";
import { hostPort, probePort, redact } from "./net.mjs";
import { LOCAL_PG_PORT, startLocalPostgres, stopLocalPostgres } from "./postgres-cluster.mjs";
import { capture, isExecutable, which } from "./proc.mjs";

export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/patronus";
const LOCAL_DATABASE_URL = `postgresql://postgres@127.0.0.1:${LOCAL_PG_PORT}/patronus`;

/**
 * Returns { url, started, local, description }. `started` is true only when this call
 * started a server; `local` when the server is our private cluster (started now or by an
 * earlier run).
 */
export async function resolvePostgres({ explicitUrl, skipProbe, dataRoot }) {
  if (explicitUrl) {
    await requireReachable(explicitUrl);
    ensureDatabase(explicitUrl);
    return { url: explicitUrl, started: false, description: "DATABASE_URL" };
  }
  if (!skipProbe && (await probePort("127.0.0.1", 5432))) {
    ensureDatabase(DEFAULT_DATABASE_URL);
    return { url: DEFAULT_DATABASE_URL, started: false, description: "server on 127.0.0.1:5432" };
  }
  const binDir = findPostgresBinDir();
  if (!binDir) {
    throw new StartError(
      "PostgreSQL is needed and none was found: nothing answers on 127.0.0.1:5432 and no " +
        "initdb/pg_ctl/postgres binaries are installed. Install it (`apt-get install " +
        "postgresql`, or `brew install postgresql` on macOS) or set DATABASE_URL.",
    );
  }
  const started = await startLocalPostgres(binDir, dataRoot);
  try {
    // The cluster was created with the database; this only matters if someone dropped it.
    ensureDatabase(LOCAL_DATABASE_URL, [binDir]);
  } catch (err) {
    if (started) await stopLocalPostgres(dataRoot);
    throw err;
  }
  return {
    url: LOCAL_DATABASE_URL,
    started,
    local: true,
    description: `local cluster on 127.0.0.1:${LOCAL_PG_PORT} (${binDir})`,
  };
}

/** The app role's URL: same server and database as the owner URL, user patronus_app. */
export function appDatabaseUrl(ownerUrl) {
  const url = new URL(ownerUrl);
  url.username = "patronus_app";
  url.password = "";
  return url.toString();
}

async function requireReachable(url) {
  const { host, port } = hostPort(url, 5432);
  // A URL without a host means a Unix socket; psql or migrate will report problems there.
  if (!host) return;
  if (!(await probePort(host, port, 3000))) {
    throw new StartError(`DATABASE_URL points at ${host}:${port}, but nothing answers there.`);
  }
}

// ---------------------------------------------------------------------------------------
// Creating the database when missing (needs psql; without it the migrate step reports).

function findPsql(extraDirs = []) {
  return which("psql", [...extraDirs, ...postgresBinDirs()]);
}

function psql(binary, url, sql) {
  // -w: never prompt for a password (a prompt would hang the start script).
  return capture(binary, [url, "-w", "-v", "ON_ERROR_STOP=1", "-tAc", sql], {
    env: { ...process.env, PGCONNECT_TIMEOUT: "5" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/**
 * Makes sure the database named in `url` exists, creating it through the `postgres`
 * maintenance database when it does not. Fails with a readable message when the server
 * rejects us (wrong user or password), since nothing after this step could work.
 */
export function ensureDatabase(url, extraDirs = []) {
  const binary = findPsql(extraDirs);
  if (!binary) {
    warn("psql not found: not checking that the database exists (migrate will tell).");
    return;
  }
  const direct = psql(binary, url, "SELECT 1");
  if (direct.ok) return;

  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const literal = `'${dbName.replaceAll("'", "''")}'`;
  const exists = psql(
    binary,
    admin.toString(),
    `SELECT 1 FROM pg_database WHERE datname = ${literal}`,
  );
  if (!exists.ok || exists.stdout.trim() === "1") {
    throw new StartError(`Cannot connect to ${redact(url)}:\n${direct.stderr.trim()}`);
  }
  const created = psql(
    binary,
    admin.toString(),
    `CREATE DATABASE "${dbName.replaceAll('"', '""')}"`,
  );
  if (!created.ok) {
    throw new StartError(`Could not create database ${dbName}:\n${created.stderr.trim()}`);
  }
  info(`created database ${dbName} on ${target.host}`);
}

// ---------------------------------------------------------------------------------------
// Where PostgreSQL's programs are.

/** /usr/lib/postgresql/<version>/bin directories (Debian/Ubuntu layout), newest first. */
function postgresBinDirs() {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((version) => /^\d+(\.\d+)?$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(root, version, "bin"));
}

/** A directory holding initdb, pg_ctl and postgres together (pg_ctl runs its sibling). */
export function findPostgresBinDir() {
  const fromPath = which("pg_ctl");
  const candidates = [...postgresBinDirs()];
  if (fromPath) candidates.push(join(fromPath, ".."));
  return (
    candidates.find((dir) =>
      ["initdb", "pg_ctl", "postgres"].every((tool) => isExecutable(join(dir, tool))),
    ) ?? null
  );
}
