// A TypeScript tool process inside a network namespace, driven over JSON lines (child side:
// children/serve.ts). `node --import <tsx loader>`, entered with nsenter: one process, so
// a kill hits the tool itself. Requests have bounded waits; the tool's death fails every
// pending request with its stderr, so a test never hangs on a dead child.
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { Netns } from "../../bpf/tests/lib/netns";

const ROOT = join(import.meta.dirname, "..", "..");
const TSX_LOADER = join(ROOT, "node_modules", "tsx", "dist", "loader.mjs");
const CHILDREN = join(import.meta.dirname, "children");

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export class ToolProcess {
  stderr = "";
  /** Lines that answered no request (e.g. the answer to a line that was not JSON). */
  readonly stray: Record<string, unknown>[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private buffer = "";
  private onReady: ((info: Record<string, unknown>) => void) | null = null;

  private constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    proc.stdout!.on("data", (chunk: Buffer) => this.read(chunk.toString()));
    proc.stderr!.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-20_000);
    });
    proc.stdin!.on("error", () => {}); // EPIPE after the child died: reported by `exited`
    this.exited = new Promise((resolve) =>
      proc.once("exit", (code, signal) => {
        const why = new Error(`${name} exited (${signal ?? code}): ${this.stderr.slice(-2000)}`);
        for (const p of this.pending.values()) {
          clearTimeout(p.timer);
          p.reject(why);
        }
        this.pending.clear();
        resolve({ code, signal });
      }),
    );
  }

  /** Starts children/<script>.ts in `ns` and waits for its ready line (returned). */
  static async start(
    net: Netns,
    ns: string,
    script: string,
    args: string[],
    readyTimeoutMs = 20_000,
  ): Promise<{ tool: ToolProcess; ready: Record<string, unknown> }> {
    const proc = net.spawn(ns, process.execPath, [
      "--import",
      TSX_LOADER,
      join(CHILDREN, `${script}.ts`),
      ...args,
    ]);
    const tool = new ToolProcess(`${script} in ${ns}`, proc);
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill("SIGKILL");
        reject(new Error(`${tool.name} not ready in ${readyTimeoutMs} ms: ${tool.stderr}`));
      }, readyTimeoutMs);
      tool.onReady = (info) => {
        clearTimeout(timer);
        resolve(info);
      };
      void tool.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`${tool.name} exited (${signal ?? code}) before ready: ${tool.stderr}`));
      });
    });
    return { tool, ready };
  }

  get running() {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  request<T>(cmd: string, body: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<T> {
    if (!this.running) return Promise.reject(new Error(`${this.name} is not running`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: no answer to ${cmd} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.proc.stdin!.write(`${JSON.stringify({ ...body, id, cmd })}\n`);
    });
  }

  /** Test-only: writes a line as is (to check that bad input is answered, not fatal). */
  writeRaw(line: string) {
    this.proc.stdin!.write(`${line}\n`);
  }

  /** Ends stdin (the tool exits on its own), then SIGKILL after `graceMs`. Idempotent. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.running) {
      this.proc.stdin!.end();
      const timer = setTimeout(() => this.proc.kill("SIGKILL"), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
  }

  private read(text: string) {
    const lines = (this.buffer + text).split("\n");
    this.buffer = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim()) continue;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        this.stray.push({ text: line });
        continue;
      }
      if (msg.ready === true && this.onReady) {
        this.onReady(msg);
        this.onReady = null;
        continue;
      }
      const p = typeof msg.id === "number" ? this.pending.get(msg.id) : undefined;
      if (!p) {
        this.stray.push(msg);
        continue;
      }
      this.pending.delete(msg.id as number);
      clearTimeout(p.timer);
      if (msg.ok === true) p.resolve(msg.result);
      else p.reject(new Error(`${this.name}: ${String(msg.error)}`));
    }
  }
}
