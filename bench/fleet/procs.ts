// Child processes of the benchmark (the workers, the simulated agents): TypeScript run by
// node with tsx's loader (one pid, no wrapper), output drained into a tail kept for error
// messages, and a stop that escalates to SIGKILL.
import { type ChildProcess, spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const PROFILE_HOOK = fileURLToPath(new URL("./profile-hook.ts", import.meta.url));

export interface TsProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  tail(lines?: number): string;
  stop(timeoutMs?: number): Promise<void>;
}

export function spawnTs(
  name: string,
  file: string,
  opts: {
    env: Record<string, string>;
    nodeArgs?: string[];
    ipc?: boolean;
    maxFiles?: number;
    /** Preload profile-hook.ts: SIGUSR2 toggles a CPU profile written into this dir. */
    profileDir?: string;
  },
): TsProcess {
  const hook = opts.profileDir ? ["--import", PROFILE_HOOK] : [];
  const node = [process.execPath, ...(opts.nodeArgs ?? []), "--import", "tsx", ...hook, file];
  const profileEnv = opts.profileDir
    ? { BENCH_PROFILE_DIR: opts.profileDir, BENCH_PROFILE_NAME: name }
    : {};
  // A raised open-files limit (one socket per agent) needs a shell's ulimit before exec.
  const [cmd, ...args] = opts.maxFiles
    ? [
        "sh",
        "-c",
        `ulimit -n ${opts.maxFiles} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`,
        "sh",
        ...node,
      ]
    : node;
  const child = spawn(cmd!, args, {
    env: { ...process.env, ...opts.env, ...profileEnv },
    stdio: ["ignore", "pipe", "pipe", ...(opts.ipc ? (["ipc"] as const) : [])],
  });
  const log: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n").filter(Boolean)) log.push(line);
    if (log.length > 400) log.splice(0, log.length - 200);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? (signal ? -1 : null)));
    child.once("error", (e) => {
      log.push(`spawn failed: ${e.message}`);
      resolve(-1);
    });
  });
  if (!child.pid) throw new Error(`${name}: could not start ${file}`);
  return {
    name,
    child,
    pid: child.pid,
    exited,
    tail: (lines = 30) => log.slice(-lines).join("\n"),
    async stop(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/**
 * CPU time (user + system) of one process, in ms; 0 when it is gone. With `reaped`, plus
 * that of its children that have exited (PostgreSQL's postmaster: closed backends).
 */
export async function cpuMs(pid: number, reaped = false): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const f = stat
      .slice(stat.lastIndexOf(")") + 2)
      .split(" ")
      .map(Number);
    const own = f[11]! + f[12]!; // utime, stime
    return (reaped ? own + f[13]! + f[14]! : own) * TICK_MS; // + cutime, cstime
  } catch {
    return 0;
  }
}

/** Resident memory of one process, in bytes. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

/** Pids of every process whose command name is `comm` (e.g. all PostgreSQL backends). */
export async function pidsByName(comm: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const name = await readFile(`/proc/${entry}/comm`, "utf8").catch(() => "");
    if (name.trim() === comm) pids.push(Number(entry));
  }
  return pids;
}

/** CPU ms of every process named `comm`, summed, including their reaped children. */
export async function cpuMsByName(comm: string): Promise<number> {
  const pids = await pidsByName(comm);
  const all = await Promise.all(pids.map((pid) => cpuMs(pid, true)));
  return all.reduce((a, b) => a + b, 0);
}
