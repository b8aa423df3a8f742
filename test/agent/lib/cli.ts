// The agent's CLI (edge-agent/bin/patronus-agent) as real child processes: one-shot
// commands with a bounded run time, and `run` as a long-lived process that a test stops
// with SIGTERM (SIGKILL if it does not go).
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

export const AGENT_BIN = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "edge-agent",
  "bin",
  "patronus-agent",
);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one command to its end; killed (code -1) if it outlives `timeoutMs`. */
export function cli(
  args: string[],
  o: { env?: NodeJS.ProcessEnv; timeoutMs?: number; onStdout?: (all: string) => void } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(AGENT_BIN, args, { stdio: ["ignore", "pipe", "pipe"], env: o.env });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => p.kill("SIGKILL"), o.timeoutMs ?? 60_000);
    p.stdout.on("data", (d) => {
      stdout += d;
      o.onStdout?.(stdout);
    });
    p.stderr.on("data", (d) => (stderr += d));
    p.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** `patronus-agent run` (or any long-running command) in its own process. */
export class AgentProcess {
  stdout = "";
  /** The agent's JSON-lines log. */
  stderr = "";
  readonly exited: Promise<number | null>;
  private constructor(readonly proc: ChildProcess) {
    proc.stdout!.on("data", (d) => (this.stdout += d));
    proc.stderr!.on("data", (d) => (this.stderr += d));
    this.exited = new Promise((r) => proc.once("exit", (code) => r(code)));
  }

  static start(args: string[], o: { command?: string; env?: NodeJS.ProcessEnv } = {}) {
    const [cmd, argv] = o.command ? [o.command, args] : [AGENT_BIN, args];
    return new AgentProcess(spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"], env: o.env }));
  }

  get running() {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  logLines(): Record<string, unknown>[] {
    return this.stderr
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
  }

  /** SIGTERM, then SIGKILL after `graceMs`; the exit code (null when killed). */
  async stop(graceMs = 15_000): Promise<number | null> {
    if (!this.running) return this.proc.exitCode;
    this.proc.kill("SIGTERM");
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
