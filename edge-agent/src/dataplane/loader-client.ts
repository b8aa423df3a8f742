// Client of bpf/loader (patronus-loader): one long-lived child process, JSON
// lines both ways. The helper answers strictly in request order, so answers are
// matched FIFO (ids are kept for logs); callers may pipeline freely.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface LoaderResponse {
  id: number;
  ok: boolean;
  error?: string;
  errno?: number;
  [field: string]: unknown;
}

export class LoaderError extends Error {
  constructor(
    readonly cmd: string,
    message: string,
    readonly errno: number,
  ) {
    super(`${cmd}: ${message}`);
  }
}

export interface MapInfo {
  type: number;
  key_size: number;
  value_size: number;
  max_entries: number;
}

export class LoaderClient {
  private nextId = 1;
  private pending: ((r: LoaderResponse) => void)[] = [];
  private exited: Error | null = null;
  readonly stderr: string[] = [];

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on("line", (line) => {
      const res = JSON.parse(line) as LoaderResponse;
      this.pending.shift()?.(res);
    });
    child.stderr.on("data", (d: Buffer) => {
      this.stderr.push(d.toString());
      if (this.stderr.length > 200) this.stderr.shift();
    });
    child.on("exit", (code, signal) => {
      this.exited = new Error(`loader exited (code ${code}, signal ${signal})`);
      for (const done of this.pending.splice(0))
        done({ id: 0, ok: false, error: this.exited.message, errno: 0 });
    });
  }

  static start(binary: string, args: string[] = []): LoaderClient {
    return new LoaderClient(spawn(binary, args, { stdio: ["pipe", "pipe", "pipe"] }));
  }

  get alive(): boolean {
    return this.exited === null;
  }

  /** Sends one request; rejects with LoaderError carrying the helper's errno text. */
  async call<T = LoaderResponse>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    if (this.exited) throw this.exited;
    const id = this.nextId++;
    const res = await new Promise<LoaderResponse>((resolve) => {
      this.pending.push(resolve);
      this.child.stdin.write(`${JSON.stringify({ ...args, id, cmd })}\n`);
    });
    if (!res.ok) throw new LoaderError(cmd, res.error ?? "unknown error", res.errno ?? 0);
    return res as T;
  }

  /** Raw line for robustness tests: whatever we send, an answer must come back. */
  async raw(line: string): Promise<LoaderResponse> {
    if (this.exited) throw this.exited;
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.child.stdin.write(`${line}\n`);
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((r) => this.child.once("exit", r));
    this.child.stdin.end();
    await gone;
  }
}
