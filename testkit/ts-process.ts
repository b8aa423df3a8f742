// Child processes of tests and benchmarks written in TypeScript (the workers, the
// simulated agents): run by node with tsx's loader (one pid, no wrapper), output drained
// into a tail kept for error messages, and a stop that escalates to SIGKILL.
import { type ChildProcess, spawn } from "node:child_process";

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
    /** Modules imported before `file`, after tsx (so they may be TypeScript). */
    preload?: string[];
    /** More environment, over `env`. */
    extraEnv?: Record<string, string>;
  },
): TsProcess {
  const hooks = (opts.preload ?? []).flatMap((m) => ["--import", m]);
  const node = [process.execPath, ...(opts.nodeArgs ?? []), "--import", "tsx", ...hooks, file];
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
    env: { ...process.env, ...opts.env, ...opts.extraEnv },
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
