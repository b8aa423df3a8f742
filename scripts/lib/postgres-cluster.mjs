// The private PostgreSQL cluster `npm start` runs when no other server is available: where
// it lives (one directory per checkout), creating, starting and stopping it. Only the
// cluster this checkout's record names (service-record.mjs) is ever stopped, never one
// found in a directory another checkout may use.
import { createHash } from "node:crypto";
import {
  appendFileSync,
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { info, StartError, warn } from "./log.mjs";
import { probePort } from "./net.mjs";
import { asUser, capture, processRunsIn, serviceUser, stopProcess } from "./proc.mjs";
import { forget, recorded, remember } from "./service-record.mjs";

export const LOCAL_PG_PORT = 54329;

/**
 * Where the cluster lives. Normally .data/postgres in the checkout; when we are root the
 * server runs as `postgres`, which may not be able to reach the checkout (e.g. under
 * /root), and then it lives in <tmpdir>/patronus-pg-<hash of the checkout> instead: one
 * directory per checkout, so that no two checkouts ever share (or stop) one cluster.
 */
function clusterPaths(dataRoot) {
  const inRepo = { dataDir: join(dataRoot, "postgres"), logFile: join(dataRoot, "postgres.log") };
  const id = createHash("sha256").update(resolve(dataRoot)).digest("hex").slice(0, 16);
  const fallbackRoot = join(tmpdir(), `patronus-pg-${id}`);
  const inTmp = {
    dataDir: join(fallbackRoot, "data"),
    logFile: join(fallbackRoot, "postgres.log"),
  };
  return { inRepo, inTmp };
}

// Before each checkout had its own, every checkout of a user fell back to this one.
const legacyDataDir = () => join("/tmp", `patronus-pg-${process.getuid?.() ?? "user"}`, "data");

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

// The temporary directory is shared: a directory someone else created there (or a symlink
// planted in our name) is not ours to use, nor its cluster ours to stop.
function isOwnDir(dir) {
  try {
    const stats = lstatSync(dir);
    return stats.isDirectory() && stats.uid === process.getuid?.();
  } catch {
    return false;
  }
}

function requireOwnDir(dir) {
  if (!isOwnDir(dir)) {
    throw new StartError(`${dir} exists but is not our directory; remove it or set DATABASE_URL.`);
  }
}

/** Picks an existing cluster, or a place where the server's user can create one. */
function chooseCluster(dataRoot, user) {
  const { inRepo, inTmp } = clusterPaths(dataRoot);
  const tmpRoot = join(inTmp.dataDir, "..");
  if (existsSync(join(inRepo.dataDir, "PG_VERSION"))) return inRepo;
  if (existsSync(join(inTmp.dataDir, "PG_VERSION"))) {
    requireOwnDir(tmpRoot);
    return inTmp;
  }
  mkdirSync(dataRoot, { recursive: true });
  prepareDir(inRepo.dataDir, user, 0o700);
  if (userCanUse(user, inRepo.dataDir)) return inRepo;
  warn(`the postgres user cannot reach ${inRepo.dataDir}; using ${inTmp.dataDir} instead`);
  mkdirSync(tmpRoot, { recursive: true, mode: 0o755 });
  requireOwnDir(tmpRoot);
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

/** The postmaster's pid from the first line of `dataDir`/postmaster.pid, or null. */
function postmasterPid(dataDir) {
  try {
    const pid = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The postmaster serving `dataDir`, if one runs: its pid file and the process agree. */
function postmasterIn(dataDir) {
  const pid = postmasterPid(dataDir);
  return pid && processRunsIn(pid, dataDir, "postgres") ? pid : null;
}

/**
 * This checkout's running cluster: the recorded one, or else one running from this
 * checkout's own data directory (an earlier run lost its record, e.g. a version of this
 * script without records), which is then adopted. Null when none runs; a record whose
 * postmaster died is dropped.
 */
function ownedCluster(dataRoot) {
  const entry = recorded(dataRoot, "postgres", "postgres", "dataDir");
  if (entry && postmasterPid(entry.dataDir) === entry.pid) return entry;
  if (entry) forget(dataRoot, "postgres");
  const { inRepo, inTmp } = clusterPaths(dataRoot);
  const ownDirs = [inRepo.dataDir];
  if (isOwnDir(join(inTmp.dataDir, ".."))) ownDirs.push(inTmp.dataDir);
  for (const dataDir of ownDirs) {
    const pid = postmasterIn(dataDir);
    if (!pid) continue;
    const adopted = { dataDir, pid, port: LOCAL_PG_PORT };
    remember(dataRoot, "postgres", adopted);
    return adopted;
  }
  return null;
}

function portTakenError() {
  const legacy = legacyDataDir();
  const hint = existsSync(join(legacy, "postmaster.pid"))
    ? ` An older npm start left a cluster in ${legacy}, shared by all checkouts; if it ` +
      `is no longer needed, stop it with \`pg_ctl stop -D ${legacy}\` (as its owner).`
    : "";
  return new StartError(
    `Port ${LOCAL_PG_PORT} is taken by another program; stop it or set DATABASE_URL.${hint}`,
  );
}

/** Starts (creating if needed) the local cluster. Returns false if it was already running. */
export async function startLocalPostgres(binDir, dataRoot) {
  const owned = ownedCluster(dataRoot);
  if (owned) {
    info(`PostgreSQL already running from ${owned.dataDir} (pid ${owned.pid})`);
    return false;
  }
  const user = serviceUser();
  const { dataDir, logFile } = chooseCluster(dataRoot, user);
  if (!existsSync(join(dataDir, "PG_VERSION"))) initCluster(user, binDir, dataDir);
  if (await probePort("127.0.0.1", LOCAL_PG_PORT)) throw portTakenError();
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
  const pid = start.ok ? postmasterIn(dataDir) : null;
  if (!pid) {
    throw new StartError(
      `PostgreSQL did not start:\n${start.stdout}${start.stderr}\n${tail(logFile)}`,
    );
  }
  remember(dataRoot, "postgres", { dataDir, pid, port: LOCAL_PG_PORT });
  return true;
}

function tail(path, lines = 15) {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/**
 * Stops this checkout's cluster (see ownedCluster) with a fast shutdown, and only that
 * one. Returns true if one stopped.
 */
export async function stopLocalPostgres(dataRoot) {
  const owned = ownedCluster(dataRoot);
  if (!owned) return false;
  // SIGINT is PostgreSQL's fast shutdown, what `pg_ctl stop -m fast` sends.
  if (!(await stopProcess(owned.pid, "SIGINT", 60_000))) {
    warn(`PostgreSQL (pid ${owned.pid}, ${owned.dataDir}) did not stop within 60 s`);
    return false;
  }
  forget(dataRoot, "postgres");
  info(`stopped PostgreSQL (${owned.dataDir})`);
  return true;
}
