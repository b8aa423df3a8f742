// Measurements of the benchmark's processes (CPU time, memory) from /proc. Its child
// processes themselves are testkit/ts-process.ts's (shared with the tests).
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { spawnTs as spawnTsProcess, type TsProcess } from "../../testkit/ts-process";

export type { TsProcess };

const PROFILE_HOOK = fileURLToPath(new URL("./profile-hook.ts", import.meta.url));

/**
 * spawnTs, and with `profileDir` profile-hook.ts preloaded: SIGUSR2 toggles a CPU profile
 * written into that dir.
 */
export function spawnTs(
  name: string,
  file: string,
  opts: Parameters<typeof spawnTsProcess>[2] & { profileDir?: string },
) {
  const { profileDir, ...rest } = opts;
  return spawnTsProcess(name, file, profileDir ? { ...rest, ...profiled(name, profileDir) } : rest);
}

/** What spawnTs needs to preload profile-hook.ts into the process `name`. */
export function profiled(name: string, profileDir: string) {
  return {
    preload: [PROFILE_HOOK],
    extraEnv: { BENCH_PROFILE_DIR: profileDir, BENCH_PROFILE_NAME: name },
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
