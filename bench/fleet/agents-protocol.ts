// Messages between the benchmark and its agents process (agents-child.ts), over Node IPC.

export interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}

export type AgentsRequest =
  | { cmd: "enroll"; url: string; tokens: string[]; concurrency: number; dir: string }
  | { cmd: "start"; batchSize: number; persist: boolean }
  | { cmd: "status"; revision: number }
  | { cmd: "memory" }
  | { cmd: "applyTimes" }
  | { cmd: "stop" };

export interface EnrollResult {
  ms: number;
  identities: string[];
}

export interface StatusResult {
  total: number;
  connected: number;
  /** Agents that report `revision` (or newer) applied. */
  applied: number;
}

export type AgentsReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string };

/** Per agent, when it last started applying a desired state (epoch ms, 0: never). */
export interface ApplyTimes {
  identities: string[];
  at: number[];
}
