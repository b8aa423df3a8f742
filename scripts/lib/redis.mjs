// Finds or starts the Redis server the app uses. Order: an explicit REDIS_URL, a server on
// 127.0.0.1:6379, then a private redis-server on 127.0.0.1:63799 with no persistence.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { info, StartError, warn } from "./log.mjs";
import { hostPort, probePort, sleep, waitForPort } from "./net.mjs";
import { capture, which } from "./proc.mjs";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
export const LOCAL_REDIS_PORT = 63799;
const LOCAL_REDIS_URL = `redis://127.0.0.1:${LOCAL_REDIS_PORT}`;

// Common install locations that may be missing from PATH (sbin, Homebrew).
const EXTRA_DIRS = ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/opt/homebrew/bin"];

const paths = (dataRoot) => ({
  dir: join(dataRoot, "redis"),
  pidFile: join(dataRoot, "redis.pid"),
  logFile: join(dataRoot, "redis.log"),
});

/** Returns { url, started, local, description }, as resolvePostgres does. */
export async function resolveRedis({ explicitUrl, skipProbe, dataRoot }) {
  if (explicitUrl) {
    const { host, port } = hostPort(explicitUrl, 6379);
    if (!(await probePort(host, port, 3000))) {
      throw new StartError(`REDIS_URL points at ${host}:${port}, but nothing answers there.`);
    }
    return { url: explicitUrl, started: false, description: "REDIS_URL" };
  }
  if (!skipProbe && (await probePort("127.0.0.1", 6379))) {
    return { url: DEFAULT_REDIS_URL, started: false, description: "server on 127.0.0.1:6379" };
  }
  const binary = which("redis-server", EXTRA_DIRS);
  if (!binary) {
    throw new StartError(
      "Redis is needed and none was found: nothing answers on 127.0.0.1:6379 and redis-server " +
        "is not installed. Install it (`apt-get install redis-server`, or `brew install redis`) " +
        "or set REDIS_URL.",
    );
  }
  const started = await startLocalRedis(binary, dataRoot);
  return {
    url: LOCAL_REDIS_URL,
    started,
    local: true,
    description: `local redis-server on 127.0.0.1:${LOCAL_REDIS_PORT}`,
  };
}

/** The pid from our pid file if that process is alive and is a redis-server. */
function runningPid(dataRoot) {
  const { pidFile } = paths(dataRoot);
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  // Guard against a stale pid file whose number now belongs to another program.
  const cmdline = `/proc/${pid}/cmdline`;
  if (
    existsSync("/proc") &&
    !(existsSync(cmdline) && readFileSync(cmdline, "utf8").includes("redis"))
  ) {
    return null;
  }
  return pid;
}

async function startLocalRedis(binary, dataRoot) {
  const { dir, pidFile, logFile } = paths(dataRoot);
  if (runningPid(dataRoot) && (await probePort("127.0.0.1", LOCAL_REDIS_PORT))) {
    info(`Redis already running on 127.0.0.1:${LOCAL_REDIS_PORT}`);
    return false;
  }
  if (await probePort("127.0.0.1", LOCAL_REDIS_PORT)) {
    throw new StartError(
      `Port ${LOCAL_REDIS_PORT} is taken by another program; stop it or set REDIS_URL.`,
    );
  }
  mkdirSync(dir, { recursive: true });
  info(`starting Redis on 127.0.0.1:${LOCAL_REDIS_PORT} (log: ${logFile})`);
  // A throw-away cache/queue for development: no snapshots, no append-only file.
  const result = capture(binary, [
    "--bind",
    "127.0.0.1",
    "--port",
    String(LOCAL_REDIS_PORT),
    "--daemonize",
    "yes",
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    "no",
    "--pidfile",
    pidFile,
    "--logfile",
    logFile,
  ]);
  if (!result.ok) throw new StartError(`redis-server failed to start:\n${result.stderr}`);
  if (!(await waitForPort("127.0.0.1", LOCAL_REDIS_PORT, 10_000))) {
    throw new StartError(`Redis did not start listening within 10 s; see ${logFile}`);
  }
  return true;
}

/** Stops the local redis-server if our pid file names a live one. Returns true if stopped. */
export async function stopLocalRedis(dataRoot) {
  const pid = runningPid(dataRoot);
  if (!pid) return false;
  const cli = which("redis-cli", EXTRA_DIRS);
  const viaCli = cli && capture(cli, ["-p", String(LOCAL_REDIS_PORT), "shutdown", "nosave"]);
  if (!viaCli?.ok) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      info("stopped Redis");
      return true;
    }
    await sleep(100);
  }
  warn(`Redis (pid ${pid}) did not stop within 5 s`);
  return false;
}
