// Many simulated agents (the real agent code, thousands per process: child.ts) for the
// fleet benchmark and the chaos test. The handle on one agents process: one request at a
// time is not required, every request has an id and a timeout, and a dead child fails
// every pending request with its last log lines.
import { fileURLToPath } from "node:url";
import { spawnTs, type TsProcess } from "../ts-process";
import type {
  AgentsReply,
  AgentsRequest,
  ApplyTimes,
  EnrollResult,
  Memory,
  StartOptions,
  StatusResult,
} from "./protocol";

type Extra = { preload?: string[]; extraEnv?: Record<string, string> };

const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));

export class AgentsProcess {
  private nextId = 1;
  private pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();

  private constructor(readonly proc: TsProcess) {
    proc.child.on("message", (m: AgentsReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`agents process: ${m.error}`));
    });
    void proc.exited.then((code) => {
      const error = new Error(`agents process exited (code ${code}):\n${proc.tail()}`);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    });
  }

  /** `extra`: modules to preload and environment (the benchmark's profiler). */
  static start(maxFiles: number, extra: Extra = {}): AgentsProcess {
    return new AgentsProcess(
      spawnTs("agents", CHILD, {
        env: {},
        nodeArgs: ["--expose-gc", "--max-old-space-size=8192"],
        ipc: true,
        maxFiles,
        ...extra,
      }),
    );
  }

  get pid() {
    return this.proc.pid;
  }

  private request<T>(req: AgentsRequest, timeoutMs: number): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new Error(`agents process: "${req.cmd}" got no answer within ${timeoutMs / 1000} s`),
        );
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.child.send({ ...req, id });
    });
  }

  enroll(r: Omit<Extract<AgentsRequest, { cmd: "enroll" }>, "cmd">, timeoutMs: number) {
    return this.request<EnrollResult>({ cmd: "enroll", ...r }, timeoutMs);
  }
  startAgents(o: StartOptions, timeoutMs: number) {
    return this.request<unknown>({ cmd: "start", ...o }, timeoutMs);
  }
  status(revision: number) {
    // Thousands of agents reconnecting at once keep the process busy: a late answer is an
    // answer (the caller's own deadline decides when to give up).
    return this.request<StatusResult>({ cmd: "status", revision }, 120_000);
  }
  memory() {
    return this.request<Memory>({ cmd: "memory" }, 60_000);
  }
  applyTimes() {
    return this.request<ApplyTimes>({ cmd: "applyTimes" }, 30_000);
  }

  /** Stops the agents cleanly (offline presence), then the process. */
  async stop() {
    if (this.proc.child.connected)
      await this.request({ cmd: "stop" }, 120_000).catch(() => undefined);
    await this.proc.stop();
  }
}

/**
 * N agents spread over several processes (one per core by default), so the simulation
 * can use every core the control plane leaves free, as separate devices would.
 */
export class AgentPool {
  private constructor(readonly procs: AgentsProcess[]) {}

  /** `extra(i)`: what process i preloads, and its environment. */
  static start(count: number, agents: number, extra: (i: number) => Extra = () => ({})) {
    const maxFiles = Math.max(4096, Math.ceil(agents / count) + 2048);
    return new AgentPool(
      Array.from({ length: count }, (_, i) => AgentsProcess.start(maxFiles, extra(i))),
    );
  }

  get pids() {
    return this.procs.map((p) => p.pid);
  }

  /** Each process enrolls its share; wall time from the first request to the last answer. */
  async enroll(
    r: { url: string; tokens: string[]; concurrency: number; dir: string },
    timeoutMs: number,
  ) {
    const k = this.procs.length;
    const share = Math.ceil(r.tokens.length / k);
    const started = performance.now();
    const parts = await Promise.all(
      this.procs.map((p, i) =>
        p.enroll(
          {
            url: r.url,
            tokens: r.tokens.slice(i * share, (i + 1) * share),
            concurrency: Math.max(1, Math.round(r.concurrency / k)),
            dir: `${r.dir}/p${i}`,
          },
          timeoutMs,
        ),
      ),
    );
    return { ms: performance.now() - started, identities: parts.flatMap((p) => p.identities) };
  }

  async startAgents(o: StartOptions, timeoutMs: number) {
    await Promise.all(this.procs.map((p) => p.startAgents(o, timeoutMs)));
  }

  async status(revision: number): Promise<StatusResult> {
    const all = await Promise.all(this.procs.map((p) => p.status(revision)));
    return all.reduce((a, b) => ({
      total: a.total + b.total,
      connected: a.connected + b.connected,
      applied: a.applied + b.applied,
      reconnected: a.reconnected + b.reconnected,
      behind: [...a.behind, ...b.behind].slice(0, 10),
    }));
  }

  /** identity → when that agent last started an apply (epoch ms). */
  async applyTimes(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const t of await Promise.all(this.procs.map((p) => p.applyTimes())))
      t.identities.forEach((id, i) => {
        if (t.at[i]) out.set(id, t.at[i]!);
      });
    return out;
  }

  async memory(): Promise<Memory> {
    const all = await Promise.all(this.procs.map((p) => p.memory()));
    return all.reduce((a, b) => ({
      rss: a.rss + b.rss,
      heapUsed: a.heapUsed + b.heapUsed,
      external: a.external + b.external,
    }));
  }

  async stop() {
    await Promise.all(this.procs.map((p) => p.stop()));
  }
}
