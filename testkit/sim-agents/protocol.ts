// Messages between a test or benchmark and its agents process (child.ts), over Node IPC.

export interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}

export type AgentsRequest =
  | { cmd: "enroll"; url: string; tokens: string[]; concurrency: number; dir: string }
  | ({ cmd: "start" } & StartOptions)
  | { cmd: "status"; revision: number }
  | { cmd: "memory" }
  | { cmd: "applyTimes" }
  | { cmd: "stop" };

export interface StartOptions {
  /** Agents connecting at once (the next batch waits for these). */
  batchSize: number;
  /** How long each simulated data plane takes to apply a config (default: no time). */
  applyDelayMs?: number;
  /** Reconnect backoff (default: the agent's own). */
  backoff?: { baseMs: number; capMs: number };
  /**
   * Each agent keeps its last-good state in its enrolled state dir as a box does (temp
   * file, fsync, rename, directory fsync); otherwise in memory.
   */
  persist?: boolean;
}

export interface EnrollResult {
  ms: number;
  identities: string[];
}

export interface StatusResult {
  total: number;
  connected: number;
  /** Agents that report `revision` (or newer) applied. */
  applied: number;
  /** Agents that have reconnected at least once since they started. */
  reconnected: number;
  /** A few of the agents not there yet (identity, revision, status, connected). */
  behind: string[];
}

export type AgentsReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string };

/** Per agent, when it last started applying a desired state (epoch ms, 0: never). */
export interface ApplyTimes {
  identities: string[];
  at: number[];
}
