// Client of bpf/loader (patronus-loader): one long-lived child process, JSON
// lines both ways; callers may pipeline freely. The helper answers every line, in
// order, echoing integer ids: an answer is matched to its request by id, and an
// answer with a null id (the helper could not read the request's id) goes to the
// oldest request. Whatever the child prints, nothing throws out of the stream
// handlers and no call waits forever once the child is gone.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";

export interface LoaderResponse {
  id: number | null;
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
    /** The whole answer, for fields such as `applied` on a failed batch. */
    readonly response: LoaderResponse | null = null,
  ) {
    super(`${cmd}: ${message}`);
  }
}

export interface MapInfo {
  type: number;
  key_size: number;
  value_size: number;
  max_entries: number;
  flags: number;
}

interface Pending {
  id: number | null;
  cmd: string;
  settle(r: LoaderResponse): void;
}

// The helper's answers stay below 64 MiB; a longer line is garbage, not buffered.
const MAX_ANSWER_LINE = 128 << 20;

export interface LoaderStartOptions {
  /** Longest answer line kept (default 128 MiB); longer ones fail their request. */
  maxAnswerLine?: number;
}
const KEEP_LINES = 200; // of stderr and of unmatched/unreadable output
const KEEP_CHARS = 4096;

const keep = (list: string[], s: string) => {
  list.push(s.length > KEEP_CHARS ? `${s.slice(0, KEEP_CHARS)}…` : s);
  if (list.length > KEEP_LINES) list.shift();
};

function asAnswer(line: string | null): LoaderResponse | null {
  if (line === null) return null;
  try {
    const v: unknown = JSON.parse(line);
    if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
    const r = v as Record<string, unknown>;
    if (typeof r.ok !== "boolean") return null;
    if (r.id !== null && !Number.isSafeInteger(r.id)) return null;
    return r as LoaderResponse;
  } catch {
    return null;
  }
}

/** The integer id of a raw request line, if it has one the helper will echo. */
function idOf(line: string): number | null {
  try {
    const id = (JSON.parse(line) as { id?: unknown })?.id;
    return Number.isSafeInteger(id) ? (id as number) : null;
  } catch {
    return null;
  }
}

export class LoaderClient {
  private nextId = 1;
  private pending: Pending[] = [];
  private exited: Error | null = null;
  private part: Buffer[] = [];
  private partBytes = 0;
  private tooLong = false;
  /** Last lines the helper wrote to stderr (libbpf messages, verifier logs). */
  readonly stderr: string[] = [];
  /** Last stdout lines that were not an answer to a pending request. */
  readonly unmatched: string[] = [];

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly maxLine: number,
  ) {
    child.stdout.on("data", (d: Buffer) => this.onData(d));
    child.stdout.on("end", () => {
      if (this.partBytes > 0 || this.tooLong) this.endLine(); // a last line without '\n'
    });
    child.stderr.on("data", (d: Buffer) => keep(this.stderr, d.toString()));
    child.stdin.on("error", () => undefined); // EPIPE: the exit handler reports it
    child.on("exit", (code, signal) => {
      this.exited ??= new Error(`loader exited (code ${code}, signal ${signal})`);
    });
    child.on("error", (e) => {
      this.exited ??= new Error(`loader: ${e.message}`);
      this.failAll();
    });
    // After exit and the end of stdout: every answer that was written has been read.
    child.on("close", () => {
      this.exited ??= new Error("loader exited");
      this.failAll();
    });
  }

  static start(binary: string, args: string[] = [], opts: LoaderStartOptions = {}): LoaderClient {
    const child = spawn(binary, args, { stdio: ["pipe", "pipe", "pipe"] });
    return new LoaderClient(child, opts.maxAnswerLine ?? MAX_ANSWER_LINE);
  }

  get alive(): boolean {
    return this.exited === null;
  }

  /** The helper's process id (for /proc readings in benchmarks). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends one request; rejects with LoaderError carrying the helper's errno text. */
  async call<T = LoaderResponse>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    const res = await this.send(`${JSON.stringify({ ...args, id, cmd })}\n`, id, cmd);
    if (!res.ok) throw new LoaderError(cmd, res.error ?? "unknown error", res.errno ?? 0, res);
    return res as T;
  }

  /** Raw line (any bytes but '\n') for robustness tests: an answer must come back. */
  async raw(line: string | Buffer): Promise<LoaderResponse> {
    const text = typeof line === "string" ? line : line.toString("utf8");
    return this.send(Buffer.concat([Buffer.from(line), Buffer.from("\n")]), idOf(text), "raw");
  }

  private send(line: string | Buffer, id: number | null, cmd: string): Promise<LoaderResponse> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((settle) => {
      this.pending.push({ id, cmd, settle });
      this.child.stdin.write(line);
    });
  }

  private onData(d: Buffer) {
    let start = 0;
    for (let nl = d.indexOf(10); nl !== -1; nl = d.indexOf(10, start)) {
      this.addPart(d.subarray(start, nl));
      this.endLine();
      start = nl + 1;
    }
    this.addPart(d.subarray(start));
  }

  private addPart(b: Buffer) {
    if (this.tooLong || b.length === 0) return;
    if (this.partBytes + b.length > this.maxLine) {
      this.tooLong = true;
      this.part = [];
      this.partBytes = 0;
      return;
    }
    this.part.push(b);
    this.partBytes += b.length;
  }

  private endLine() {
    const line = this.tooLong ? null : Buffer.concat(this.part).toString("utf8");
    this.part = [];
    this.partBytes = 0;
    this.tooLong = false;
    try {
      this.onLine(line);
    } catch (e) {
      keep(this.unmatched, `client error: ${(e as Error).message}`);
    }
  }

  private onLine(line: string | null) {
    const res = asAnswer(line);
    if (!res) {
      // The helper writes nothing but answers, in order: an unreadable line
      // stands for the oldest request's answer.
      const shown = line === null ? "(line too long)" : JSON.stringify(line.slice(0, 200));
      keep(this.unmatched, line ?? "(line too long)");
      const p = this.pending.shift();
      p?.settle({
        id: p.id,
        ok: false,
        error: `unreadable answer from loader: ${shown}`,
        errno: 0,
      });
      return;
    }
    const at = res.id === null ? 0 : this.pending.findIndex((p) => p.id === res.id);
    if (at < 0 || this.pending.length === 0) {
      keep(this.unmatched, line!);
      return;
    }
    // Answers come in order, so requests before the matched one lost theirs.
    for (const p of this.pending.splice(0, at))
      p.settle({ id: p.id, ok: false, error: "no answer from loader", errno: 0 });
    this.pending.shift()!.settle(res);
  }

  private failAll() {
    const error = this.exited?.message ?? "loader gone";
    for (const p of this.pending.splice(0)) p.settle({ id: p.id, ok: false, error, errno: 0 });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((r) => this.child.once("close", r));
    this.child.stdin.end();
    await gone;
  }
}
