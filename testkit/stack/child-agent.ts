// Runs lib/agent-process.ts as a child process and follows its JSON-line output with
// bounded waits. node --import tsx: one process, so a SIGKILL hits the agent itself.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import type { Cleanups } from "../cleanups";

const FIXTURE = join(import.meta.dirname, "agent-process.ts");

export type Line = { msg: string } & Record<string, unknown>;

export class ChildAgent {
  readonly lines: Line[] = [];
  private output = "";
  private waiters = new Set<() => void>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on("data", (chunk: Buffer) => {
      this.output += chunk.toString();
      const parts = this.output.split("\n");
      this.output = parts.pop() ?? "";
      for (const p of parts.filter(Boolean)) {
        try {
          this.lines.push(JSON.parse(p) as Line);
        } catch {
          this.lines.push({ msg: "stdout", text: p });
        }
      }
      for (const w of this.waiters) w();
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      this.lines.push({ msg: "stderr", text: chunk.toString() });
    });
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        resolve({ code, signal });
        for (const w of this.waiters) w();
      }),
    );
  }

  static start(stateDir: string, applyDelayMs: number, cleanups: Cleanups): ChildAgent {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", FIXTURE, stateDir, String(applyDelayMs)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const agent = new ChildAgent(child);
    cleanups.add(() => agent.kill("SIGKILL"));
    return agent;
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Index of the first line from `from` on that matches; waits (bounded) for it. */
  waitLine(pred: (l: Line) => boolean, what: string, from = 0, timeoutMs = 30_000) {
    return new Promise<number>((resolve, reject) => {
      const check = () => {
        const i = this.lines.findIndex((l, j) => j >= from && pred(l));
        if (i >= 0) {
          done();
          resolve(i);
        } else if (!this.running) {
          done();
          reject(new Error(`agent exited before ${what}:\n${this.dump()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} from the agent in ${timeoutMs} ms:\n${this.dump()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  dump() {
    return this.lines.map((l) => JSON.stringify(l)).join("\n");
  }

  async kill(signal: NodeJS.Signals) {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }
}
