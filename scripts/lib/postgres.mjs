// Finds or starts the PostgreSQL server the app uses. Order: an explicit DATABASE_URL, a
// server already listening on 127.0.0.1:5432, then a private cluster started from locally
// installed binaries on port 54329 (so it never collides with a system server).
import {
  appendFileSync,
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
} from "node:fs";
import { join } from "node:path";
import { info, StartError, warn } from "./log.mjs";
import { hostPort, probePort, redact } from "./net.mjs";
import { asUser, capture, isExecutable, serviceUser, which } from "./proc.mjs";

export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/patronus";
export const LOCAL_PG_PORT = 54329;
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
    if (started) stopLocalPostgres(dataRoot);
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
// The private local cluster.

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

/**
 * Where the cluster lives. Normally .data/postgres in the checkout; when we are root the
 * server runs as `postgres`, which may not be able to reach the checkout (e.g. under
 * /root), and then it lives in /tmp/patronus-pg-<uid> instead.
 */
function clusterPaths(dataRoot) {
  const inRepo = { dataDir: join(dataRoot, "postgres"), logFile: join(dataRoot, "postgres.log") };
  const fallbackRoot = join("/tmp", `patronus-pg-${process.getuid?.() ?? "user"}`);
  const inTmp = {
    dataDir: join(fallbackRoot, "data"),
    logFile: join(fallbackRoot, "postgres.log"),
  };
  return { inRepo, inTmp, candidates: [inRepo, inTmp] };
}

function prepareDir(dir, user, mode) {
  mkdirSync(dir, { recursive: true });
  if (user) chownSync(dir, user.uid, user.gid);
  chmodSync(dir, mode);
}

function prepareLogFile(path, user) {
  closeSync(openSync(path, "a"));
  if (user) chownSync(path, user.uid, user.gid);
}

function userCanUse(user, dir) {
  if (!user) return true;
  const [command, args] = asUser(user, "test", ["-w", dir, "-a", "-x", dir]);
  return capture(command, args).ok;
}

/** Picks an existing cluster, or a place where the server's user can create one. */
function chooseCluster(dataRoot, user) {
  const { inRepo, inTmp, candidates } = clusterPaths(dataRoot);
  const existing = candidates.find((c) => existsSync(join(c.dataDir, "PG_VERSION")));
  if (existing) return existing;
  mkdirSync(dataRoot, { recursive: true });
  prepareDir(inRepo.dataDir, user, 0o700);
  if (userCanUse(user, inRepo.dataDir)) return inRepo;
  warn(`the postgres user cannot reach ${inRepo.dataDir}; using ${inTmp.dataDir} instead`);
  const tmpRoot = join(inTmp.dataDir, "..");
  mkdirSync(tmpRoot, { recursive: true, mode: 0o755 });
  // /tmp is shared: refuse a directory someone else created (or a symlink planted there).
  const stats = lstatSync(tmpRoot);
  if (!stats.isDirectory() || stats.uid !== process.getuid?.()) {
    throw new StartError(
      `${tmpRoot} exists but is not our directory; remove it or set DATABASE_URL.`,
    );
  }
  chmodSync(tmpRoot, 0o755);
  prepareDir(inTmp.dataDir, user, 0o700);
  return inTmp;
}

function pgRun(user, binDir, tool, args, options = {}) {
  const [command, fullArgs] = asUser(user, join(binDir, tool), args);
  // cwd "/": runuser keeps our cwd, which the postgres user may not be allowed to enter.
  return capture(command, fullArgs, { cwd: "/", ...options });
}

function initCluster(user, binDir, dataDir) {
  info(`creating a PostgreSQL cluster in ${dataDir}`);
  const init = pgRun(user, binDir, "initdb", [
    "-D",
    dataDir,
    "-U",
    "postgres",
    "-A",
    "trust",
    "-E",
    "UTF8",
    "--no-locale",
  ]);
  if (!init.ok) throw new StartError(`initdb failed:\n${init.stdout}${init.stderr}`);
  // Private development server: trust auth, loopback only, its own port, no Unix socket
  // (the default socket directory may belong to a system server or not exist).
  appendFileSync(
    join(dataDir, "postgresql.conf"),
    [
      "",
      "# Added by scripts/start.mjs for the local development cluster.",
      "listen_addresses = '127.0.0.1'",
      `port = ${LOCAL_PG_PORT}`,
      "unix_socket_directories = ''",
      "",
    ].join("\n"),
  );
  // Single-user mode creates the database before the server ever listens, without psql.
  const create = pgRun(user, binDir, "postgres", ["--single", "-D", dataDir, "postgres"], {
    input: "CREATE DATABASE patronus;\n",
  });
  if (!create.ok) throw new StartError(`could not create database patronus:\n${create.stderr}`);
}

function isClusterRunning(user, binDir, dataDir) {
  return pgRun(user, binDir, "pg_ctl", ["status", "-D", dataDir]).ok;
}

/** Starts (creating if needed) the local cluster. Returns false if it was already running. */
async function startLocalPostgres(binDir, dataRoot) {
  const user = serviceUser();
  const { dataDir, logFile } = chooseCluster(dataRoot, user);
  if (!existsSync(join(dataDir, "PG_VERSION"))) initCluster(user, binDir, dataDir);
  if (isClusterRunning(user, binDir, dataDir)) {
    info(`PostgreSQL already running from ${dataDir}`);
    return false;
  }
  if (await probePort("127.0.0.1", LOCAL_PG_PORT)) {
    throw new StartError(
      `Port ${LOCAL_PG_PORT} is taken by another program; stop it or set DATABASE_URL.`,
    );
  }
  prepareLogFile(logFile, user);
  info(`starting PostgreSQL on 127.0.0.1:${LOCAL_PG_PORT} (log: ${logFile})`);
  const start = pgRun(user, binDir, "pg_ctl", [
    "start",
    "-D",
    dataDir,
    "-l",
    logFile,
    "-w",
    "-t",
    "60",
  ]);
  if (!start.ok) {
    throw new StartError(
      `PostgreSQL did not start:\n${start.stdout}${start.stderr}\n${tail(logFile)}`,
    );
  }
  return true;
}

function tail(path, lines = 15) {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Stops the local cluster if it runs (from either location). Returns true if one stopped. */
export function stopLocalPostgres(dataRoot) {
  const binDir = findPostgresBinDir();
  if (!binDir) return false;
  let stopped = false;
  for (const { dataDir } of clusterPaths(dataRoot).candidates) {
    if (!existsSync(join(dataDir, "postmaster.pid"))) continue;
    const user = serviceUser();
    if (!isClusterRunning(user, binDir, dataDir)) continue;
    const result = pgRun(user, binDir, "pg_ctl", ["stop", "-D", dataDir, "-m", "fast", "-w"]);
    if (result.ok) {
      info(`stopped PostgreSQL (${dataDir})`);
      stopped = true;
    } else {
      warn(`pg_ctl stop failed for ${dataDir}:\n${result.stderr}`);
    }
  }
  return stopped;
}
