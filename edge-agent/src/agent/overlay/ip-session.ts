// A long-lived `ip -force -batch -` for the failover hot path: starting a process costs
// 4-25 ms on a busy box, a line into a running one well under a millisecond.
//
// `ip` says nothing on success and buffers stdout, but its stderr is unbuffered: every
// failing line prints its message and `Command failed -:<line>`. Each run therefore ends
// with a marker line that always fails (an interface name longer than the kernel allows
// cannot exist); its `Command failed` means every line before it has been executed, and
// the other `Command failed` lines of the run are its errors.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { ExecError, ipBatch } from "./exec";

const MARKER = "link show dev patronus-marker-x";
const TIMEOUT_MS = 5000;

interface Pending {
  child: ChildProcess;
  first: number;
  marker: number;
  lines: readonly string[];
  errors: string[];
  message: string[];
  resolve: () => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class IpSession {
  private child: ChildProcess | null = null;
  private lineNo = 0;
  private pending: Pending | null = null;
  private tail: Promise<unknown> | null = null;

  /**
   * Runs the lines after any earlier run; rejects listing the lines that failed. When
   * the session is idle the lines are written before this returns (no extra tick).
   */
  run(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    return this.queue(() => this.runNow(lines));
  }

  /** Starts the process ahead of the first failover (its first command is slower). */
  warm(): Promise<void> {
    return this.queue(() => this.runNow([])).catch(() => undefined);
  }

  private queue(f: () => Promise<void>): Promise<void> {
    const p = this.tail ? this.tail.then(f) : f();
    const t = p.catch(() => undefined);
    this.tail = t;
    void t.then(() => {
      if (this.tail === t) this.tail = null;
    });
    return p;
  }

  private start(): ChildProcess {
    const child = spawn("ip", ["-force", "-batch", "-"], { stdio: ["pipe", "ignore", "pipe"] });
    this.lineNo = 0;
    child.stdin!.on("error", () => undefined);
    createInterface({ input: child.stderr! }).on("line", (l) => this.onStderr(child, l));
    child.once("exit", () => {
      if (this.child === child) this.child = null;
      this.fail(child, new Error("ip batch session exited"));
    });
    child.once("error", (e) => this.fail(child, e));
    this.child = child;
    return child;
  }

  private runNow(lines: readonly string[]): Promise<void> {
    let child: ChildProcess;
    try {
      child = this.child ?? this.start();
    } catch {
      return ipBatch(lines);
    }
    return new Promise<void>((resolve, reject) => {
      const first = this.lineNo + 1;
      this.lineNo += lines.length + 1;
      this.pending = {
        child,
        first,
        marker: this.lineNo,
        lines,
        errors: [],
        message: [],
        resolve,
        reject,
        timer: setTimeout(() => {
          this.child = null;
          child.kill("SIGKILL");
          this.fail(child, new Error(`ip batch session did not answer within ${TIMEOUT_MS} ms`));
        }, TIMEOUT_MS),
      };
      child.stdin!.write(`${[...lines, MARKER].join("\n")}\n`);
    }).catch((e: Error) => {
      // The session itself broke (not a failing line): do it the slow way once.
      if (e instanceof ExecError) throw e;
      return ipBatch(lines);
    });
  }

  private onStderr(child: ChildProcess, line: string) {
    const p = this.pending;
    if (!p || p.child !== child) return;
    const m = /^Command failed -:(\d+)$/.exec(line);
    if (!m) {
      p.message.push(line);
      return;
    }
    const n = Number(m[1]);
    if (n !== p.marker) {
      p.errors.push(`${p.lines[n - p.first] ?? `line ${n}`}: ${p.message.join("; ")}`);
      p.message = [];
      return;
    }
    clearTimeout(p.timer);
    this.pending = null;
    if (p.errors.length === 0) p.resolve();
    else
      p.reject(
        new ExecError(
          `ip batch: ${p.errors.length} of ${p.lines.length} commands failed: ${p.errors.slice(0, 5).join(" | ")}`,
          1,
          p.errors.join("\n"),
        ),
      );
  }

  /** Rejects the run in flight on `child` (a late exit of an old process is ignored). */
  private fail(child: ChildProcess, e: Error) {
    const p = this.pending;
    if (!p || p.child !== child) return;
    clearTimeout(p.timer);
    this.pending = null;
    p.reject(e);
  }

  close() {
    const c = this.child;
    this.child = null;
    c?.stdin?.end();
  }
}
