// A streaming replica (hot standby) that read-only views may use (docs/database.md, "Read
// replica"). Whether it may answer is decided from a probe at most once per checkEveryMs,
// in the background: a read never waits on the replica's health, and while the replica is
// unreachable, lagging past the bound, or not yet probed, reads go to the primary.
import { Pool } from "pg";
import { env } from "../env";
import { log } from "../log/logger";
import { counter, gauge } from "../metrics/registry";
import { createDb, type Db } from "./client";

export interface ReplicaOptions {
  /** The standby, as the application role (row-level security must apply there too). */
  url: string;
  /** Further behind than this (ms), it is not read. */
  maxLagMs: number;
  poolMax: number;
  /** How old a probe's verdict may get before the next one starts (ms). */
  checkEveryMs?: number;
  /** A connection, or the probe, that takes longer than this counts as unreachable (ms). */
  timeoutMs?: number;
}

/** Why a replica-safe read went where it went (the `reason` label of the reads counter). */
export type ReadRoute =
  | "replica"
  | "unreachable"
  | "lagging"
  | "recent-write"
  | "failed-over"
  | "unchecked";

const reads = () =>
  counter({
    name: "patronus_db_replica_reads_total",
    help: "Replica-safe reads by the database they were sent to and why (failed-over: a read the replica failed, counted again)",
    labelNames: ["target", "reason"] as const,
  });

const lagGauge = () =>
  gauge({
    name: "patronus_db_replica_lag_seconds",
    help: "The replica's replay lag at its last probe (-1: unreachable)",
  });

/** Counts one replica-safe read sent to `target`, and why. */
export function countRead(target: "replica" | "primary", reason: ReadRoute) {
  reads().inc({ target, reason });
}

/**
 * The lag, in ms: 0 when everything received has been replayed (an idle primary sends
 * nothing, and the age of the last replayed transaction would grow forever), else the age
 * of the last replayed transaction. A standby whose WAL receiver is down has no idea how
 * far behind it is: then that age is the honest bound. A server that is not in recovery
 * (misconfigured, or promoted) is as fresh as it gets.
 */
const LAG_SQL = `SELECT pg_is_in_recovery() AS standby,
  EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE pid IS NOT NULL) AS streaming,
  pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AS replayed,
  (EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) * 1000)::float8 AS age_ms`;

interface LagRow {
  standby: boolean;
  streaming: boolean;
  replayed: boolean | null;
  age_ms: number | null;
}

export function lagOf(row: LagRow): number {
  if (!row.standby) return 0;
  if (row.streaming && row.replayed) return 0;
  // Nothing replayed since it started: unknown, so too far behind.
  return row.age_ms === null ? Number.POSITIVE_INFINITY : Math.max(0, row.age_ms);
}

type Verdict =
  | { usable: true }
  | { usable: false; reason: "unreachable" | "lagging" | "unchecked" };

export class ReadReplica {
  readonly db: Db;
  private readonly pool: Pool;
  /** One connection of its own, so probing never waits behind reads (nor takes their slots). */
  private readonly probePool: Pool;
  private verdict: Verdict = { usable: false, reason: "unchecked" };
  private checkedAt = Number.NEGATIVE_INFINITY;
  private probing: Promise<void> | null = null;
  private readonly checkEveryMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: ReplicaOptions) {
    this.checkEveryMs = options.checkEveryMs ?? 1_000;
    this.timeoutMs = options.timeoutMs ?? 2_000;
    // A replica that accepts TCP but never answers (hung, partitioned) must not hold a
    // request: connecting gives up after timeoutMs and the read fails over.
    this.pool = new Pool({
      connectionString: options.url,
      max: options.poolMax,
      connectionTimeoutMillis: this.timeoutMs,
    });
    this.probePool = new Pool({
      connectionString: options.url,
      max: 1,
      connectionTimeoutMillis: this.timeoutMs,
      query_timeout: this.timeoutMs,
    });
    // An idle connection the standby drops (a restart) is an event, not a crash.
    this.pool.on("error", () => {});
    this.probePool.on("error", () => {});
    this.db = createDb(options.url, this.pool);
  }

  /** How long after a write its own reads stay on the primary: the replica has it by then. */
  get stickyMs() {
    return this.options.maxLagMs + this.checkEveryMs;
  }

  /**
   * Whether the replica may answer now, from the last probe; starts the next probe when
   * that one is older than checkEveryMs. Never waits on the replica.
   */
  route(): "replica" | "unreachable" | "lagging" | "unchecked" {
    if (performance.now() - this.checkedAt >= this.checkEveryMs) void this.refresh();
    return this.verdict.usable ? "replica" : this.verdict.reason;
  }

  /** Probes now (once at a time) and resolves when the verdict is updated. */
  refresh(): Promise<void> {
    this.probing ??= this.probe().finally(() => {
      this.probing = null;
    });
    return this.probing;
  }

  /**
   * A read on the replica failed: true when the replica's state is to blame (it went away,
   * a recovery conflict cancelled the query, its pool timed out), so the same read is to be
   * run on the primary, and the replica is not used again until a probe finds it healthy.
   * False for the read's own errors (not found, a write in a read-only transaction), which
   * the primary would answer alike.
   */
  failedOver(error: unknown): boolean {
    if (!replicaUnavailable(error)) return false;
    this.verdict = { usable: false, reason: "unreachable" };
    this.checkedAt = performance.now();
    log.warn("replica read failed; reading the primary", { error: errorText(error) });
    return true;
  }

  async close() {
    await this.probing;
    await this.probePool.end();
    await this.db.$disconnect();
  }

  private async probe() {
    const started = performance.now();
    let verdict: Verdict;
    let failure: string | undefined;
    try {
      const { rows } = await this.probePool.query<LagRow>(LAG_SQL);
      const lagMs = lagOf(rows[0]!);
      lagGauge().set(Number.isFinite(lagMs) ? lagMs / 1000 : -1);
      verdict =
        lagMs <= this.options.maxLagMs ? { usable: true } : { usable: false, reason: "lagging" };
    } catch (error) {
      lagGauge().set(-1);
      verdict = { usable: false, reason: "unreachable" };
      failure = errorText(error);
    }
    // A failure recorded while the probe ran is newer than what the probe saw.
    if (this.checkedAt >= started) return;
    const was = this.verdict;
    if (verdict.usable !== was.usable && (was.usable || was.reason !== "unchecked"))
      log.warn(verdict.usable ? "replica in use again" : "replica not used: reading the primary", {
        ...verdict,
        error: failure,
      });
    this.verdict = verdict;
    this.checkedAt = performance.now();
  }
}

const errorText = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * Errors that say the database could not answer, rather than that the read was wrong:
 * Prisma's connection and pool codes (can't reach, timed out, closed, pool timeout, a
 * transaction that ran out of time, a conflict, too many connections), PostgreSQL's
 * connection class (08), shutdowns (57P0x), too many connections (53300), a query cancelled
 * by recovery (40001), the socket's codes, and pg's own messages for a connection that died
 * (those carry no code).
 */
const UNAVAILABLE_CODES = new Set([
  ...["P1001", "P1002", "P1008", "P1017", "P2024", "P2028", "P2034", "P2037"],
  ...["57P01", "57P02", "57P03", "53300", "40001"],
  ...["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"],
]);
const DEAD_CONNECTION =
  /connection terminated|connection error|not queryable|timeout exceeded when trying to connect|connection ended unexpectedly|query read timeout/i;

export function replicaUnavailable(error: unknown): boolean {
  let e = error as Record<string, unknown> | undefined;
  // The chain: tRPC's error → Prisma's → the adapter's → pg's (or a plain Error).
  for (let depth = 0; e && typeof e === "object" && depth < 6; depth++) {
    const meta = e.meta as { code?: unknown; driverAdapterError?: unknown } | undefined;
    for (const code of [e.code, meta?.code, e.originalCode]) {
      if (typeof code !== "string") continue;
      if (UNAVAILABLE_CODES.has(code) || code.startsWith("08")) return true;
    }
    if (typeof e.message === "string" && DEAD_CONNECTION.test(e.message)) return true;
    e = (meta?.driverAdapterError ?? e.cause) as Record<string, unknown> | undefined;
  }
  return false;
}

// One per process, like getDb(); Next's dev server re-evaluates modules.
const globalForReplica = globalThis as unknown as { patronusReplica?: ReadReplica | null };

/** The configured replica (DATABASE_REPLICA_URL), or null when there is none. */
export function getReplica(): ReadReplica | null {
  if (globalForReplica.patronusReplica === undefined) {
    globalForReplica.patronusReplica = env.DATABASE_REPLICA_URL
      ? new ReadReplica({
          url: env.DATABASE_REPLICA_URL,
          maxLagMs: env.DATABASE_REPLICA_MAX_LAG_MS,
          poolMax: env.DATABASE_POOL_MAX,
        })
      : null;
  }
  return globalForReplica.patronusReplica;
}
