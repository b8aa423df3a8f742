// Process helpers: finding executables, running commands, and running PostgreSQL's tools
// as an unprivileged user when we are root.
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { StartError } from "./log.mjs";

/** Absolute path of an executable on PATH (or among `extraDirs`), or null. */
export function which(name, extraDirs = []) {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), ...extraDirs];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

export function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const isRoot = () => process.getuid?.() === 0;

/**
 * PostgreSQL refuses to run as root. When we are root, its commands run as the `postgres`
 * OS user (created by the Debian/Ubuntu package) via runuser; otherwise as ourselves.
 * Returns null when no unprivileged user is needed.
 */
export function serviceUser() {
  if (!isRoot()) return null;
  const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new StartError(
      "Running as root, but PostgreSQL refuses to run as root and there is no `postgres` user " +
        "to run it as. Run `npm start` as a normal user, install PostgreSQL " +
        "(`apt-get install postgresql` creates the user), or set DATABASE_URL.",
    );
  }
  if (!which("runuser")) {
    throw new StartError("Running as root needs `runuser` (util-linux) to start PostgreSQL.");
  }
  return { name: "postgres", uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/** Command + args, wrapped in `runuser -u <user> --` when a service user is given. */
export function asUser(user, command, args) {
  return user ? ["runuser", ["-u", user.name, "--", command, ...args]] : [command, args];
}

/** Runs a command to completion and captures its output (for short, quiet commands). */
export function capture(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  return {
    ok: result.status === 0,
    status: result.status,
    stdout: result.stdout ?? "",
    stderr: (result.stderr ?? "") + (result.error ? String(result.error) : ""),
  };
}

/**
 * Runs a setup step with our stdout/stderr and resolves when it succeeds. It gets its own
 * process group, like the long-running children, because killing only `npx` would leave
 * e.g. next build's workers running; `track` reports it so shutdown can stop the group.
 * No stdin: a background group reading the terminal would be stopped by SIGTTIN.
 */
export function runStep(command, args, { env, cwd, track = () => {} }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env,
      cwd,
      detached: true,
      stdio: ["ignore", "inherit", "inherit"],
    });
    track(child);
    child.on("error", (err) => {
      track(null);
      reject(new StartError(`could not run ${command}: ${err.message}`));
    });
    child.on("exit", (code, signal) => {
      track(null);
      if (code === 0) resolve();
      else {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new StartError(`\`${[command, ...args].join(" ")}\` ${how}`));
      }
    });
  });
}

/** Sends `signal` to process group `pgid`; false if the group no longer exists. */
export function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM each process group, then SIGKILL whatever is left after `graceMs`. Groups are
 * polled rather than child objects because a group outlives its leader (next-server
 * keeps running after `npx next start` exits).
 */
export async function stopGroups(pgids, graceMs = 10_000) {
  const pending = pgids.filter((pgid) => pgid && signalGroup(pgid, "SIGTERM"));
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pending.some((pgid) => signalGroup(pgid, 0))) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const pgid of pending) signalGroup(pgid, "SIGKILL");
}

/** True if `pid` names a live process; a zombie (exited, not yet reaped) counts as gone. */
export function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === "EPERM";
  }
  if (!existsSync("/proc/self")) return true;
  try {
    // After "pid (comm) " comes the state; comm may contain spaces, hence the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/**
 * True if `pid` is a live process whose command line mentions `binary` and whose working
 * directory is `dir` (PostgreSQL and redis-server both chdir to their data directory).
 * That tells a server we started from whatever reuses its pid after a crash, and from the
 * same program serving another checkout. Compared by inode, since the path differs across
 * symlinks and mount namespaces. Without /proc (macOS) only liveness can be checked.
 */
export function processRunsIn(pid, dir, binary) {
  if (!isAlive(pid) || typeof dir !== "string") return false;
  if (!existsSync("/proc/self")) return true;
  try {
    const cwd = statSync(`/proc/${pid}/cwd`);
    const wanted = statSync(dir);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return cwd.dev === wanted.dev && cwd.ino === wanted.ino && cmdline.includes(binary);
  } catch {
    return false;
  }
}

/** Sends `signal` to `pid` and waits until it is gone; false if it outlived `timeoutMs`. */
export async function stopProcess(pid, signal, timeoutMs) {
  try {
    process.kill(pid, signal);
  } catch {
    return !isAlive(pid);
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}
