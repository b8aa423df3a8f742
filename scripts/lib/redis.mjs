// Finds or starts the Redis server the app uses. Order: an explicit REDIS_URL, a server on
// 127.0.0.1:6379, then a private redis-server on 127.0.0.1:63799 with no persistence. Only
// that private server is ever stopped, through this checkout's record of it.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { info, StartError, warn } from "./log.mjs";
import { hostPort, probePort, sleep, waitForPort } from "./net.mjs";
import { capture, processRunsIn, stopProcess, which } from "./proc.mjs";
import { forget, recorded, remember } from "./service-record.mjs";

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

/** The pid in our pid file if that process is a redis-server working in our directory. */
function pidFromFile(dataRoot) {
  const { dir, pidFile } = paths(dataRoot);
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  return processRunsIn(pid, dir, "redis") ? pid : null;
}

/**
 * This checkout's running redis-server: the recorded one, or else one that our pid file
 * names and that works in our directory (an earlier run lost its record), then adopted.
 */
function ownedRedis(dataRoot) {
  const entry = recorded(dataRoot, "redis", "redis", "dir");
  if (entry) return entry;
  const pid = pidFromFile(dataRoot);
  if (!pid) return null;
  const adopted = { dir: paths(dataRoot).dir, pid, port: LOCAL_REDIS_PORT };
  remember(dataRoot, "redis", adopted);
  return adopted;
}

async function startLocalRedis(binary, dataRoot) {
  const { dir, pidFile, logFile } = paths(dataRoot);
  const owned = ownedRedis(dataRoot);
  if (owned && (await probePort("127.0.0.1", owned.port))) {
    info(`Redis already running on 127.0.0.1:${owned.port} (pid ${owned.pid})`);
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
  // redis-server writes its pid file only after it has started listening.
  let pid = pidFromFile(dataRoot);
  for (const deadline = Date.now() + 10_000; !pid && Date.now() < deadline; ) {
    await sleep(100);
    pid = pidFromFile(dataRoot);
  }
  if (!pid)
    throw new StartError(`Redis is listening but ${pidFile} names no redis-server in ${dir}`);
  remember(dataRoot, "redis", { dir, pid, port: LOCAL_REDIS_PORT });
  return true;
}

/** Stops this checkout's redis-server (see ownedRedis), and only that one. */
export async function stopLocalRedis(dataRoot) {
  const owned = ownedRedis(dataRoot);
  if (!owned) return false;
  // By pid, not `redis-cli shutdown` on a port that may reach some other server. Without
  // save points (--save "") SIGTERM writes nothing.
  if (!(await stopProcess(owned.pid, "SIGTERM", 10_000))) {
    warn(`Redis (pid ${owned.pid}) did not stop within 10 s`);
    return false;
  }
  forget(dataRoot, "redis");
  info("stopped Redis");
  return true;
}
