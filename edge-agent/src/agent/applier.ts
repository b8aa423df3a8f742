// Applies desired states one at a time: validate → apply → verify → persist last-good →
// report, through every subsystem (subsystems/: the data plane, the overlay, ...). Newer
// messages that arrive during an apply replace each other in a one-slot queue, so only the
// newest pending one is applied (coalescing). An older revision is never applied; a failure
// rolls every subsystem back to the last good config. Sections no subsystem applies (a newer
// control plane's) are ignored and named in the report.
import {
  type ApplyStatus,
  configHash,
  type DesiredState,
  type ReportedState,
  traceparentOf,
  unknownKeys,
} from "../../../protocol";
import type { Logger } from "./log";
import type { AgentStore } from "./store";
import type { Subsystem } from "./subsystems";
import { withTimeout } from "./time";

export interface ApplierOptions {
  deviceId: string;
  /** In the order they apply (subsystems/index.ts). */
  subsystems: readonly Subsystem[];
  store: AgentStore;
  log: Logger;
  onReport: (state: ReportedState) => void;
  /** Bound on apply + verify and on rollback, so a hung driver cannot stall the queue. */
  timeoutMs?: number;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 900);

export class Applier {
  /** The last state applied successfully (and persisted), null before the first. */
  good: DesiredState | null = null;
  /** False when the data plane may not run `good` (failed rollback or boot restore). */
  intact = true;
  appliedAt: string | null = null;
  report: ReportedState = {
    v: 1,
    revision: 0,
    hash: null,
    status: "applied",
    error: null,
    appliedAt: null,
  };
  appliesTotal = 0;
  applyFailuresTotal = 0;
  /** Every desired state handled (and the boot restore), by the status it was reported with. */
  readonly outcomes: Record<ApplyStatus, number> = {
    applied: 0,
    rejected: 0,
    rolled_back: 0,
    failed: 0,
  };
  /** The newest revision the control plane sent that passed the receipt checks (0: none). */
  desiredRevision = 0;
  /** How long the last apply took (apply + verify of every subsystem, or its failure), s. */
  lastApplySeconds: number | null = null;
  private pending: DesiredState | null = null;
  private draining: Promise<void> | null = null;
  private lastFailed: { revision: number; hash: string; report: ReportedState } | null = null;
  /** The traceparent of the desired state being handled, and when its handling began. */
  private tracing: { traceparent: string; startedAt: string } | null = null;

  constructor(private readonly o: ApplierOptions) {}

  /**
   * Sends a report; while a traced desired state is handled, with its traceparent and the
   * apply's times (protocol/trace.ts). `this.report`, re-sent at every connect, never has
   * them: only the report of that very apply does.
   */
  private send(report: ReportedState) {
    const t = this.tracing;
    this.o.onReport(t ? { ...report, trace: { ...t, endedAt: new Date().toISOString() } } : report);
  }

  private emit(status: ApplyStatus, error: string | null, attempted?: number) {
    this.report = {
      v: 1,
      revision: this.good?.revision ?? 0,
      hash: this.good?.hash ?? null,
      status,
      ...(attempted === undefined ? {} : { attempted }),
      error: error?.slice(0, 2000) ?? null,
      appliedAt: this.appliedAt,
    };
    this.outcomes[status]++;
    this.send(this.report);
  }

  /** Boot: re-apply the last good state from disk before the agent connects. */
  async restore(): Promise<void> {
    let lg: DesiredState | null = null;
    try {
      lg = await this.o.store.loadLastGood();
    } catch (e) {
      this.o.log.error("cannot read the last good config; starting without it", { error: e });
    }
    if (!lg) return;
    if (lg.deviceId !== this.o.deviceId || configHash(lg.config) !== lg.hash) {
      this.o.log.error("last good config belongs to another device or is damaged; ignored", {
        revision: lg.revision,
      });
      return;
    }
    this.good = lg;
    try {
      await this.run(lg);
      this.appliedAt = new Date().toISOString();
      this.emit("applied", null);
      this.o.log.info("restored last good config", { revision: lg.revision });
    } catch (e) {
      this.intact = false;
      this.applyFailuresTotal++;
      const error = `could not restore revision ${lg.revision} at start: ${errorText(e)}`;
      this.o.log.error("restore of last good config failed", { revision: lg.revision, error });
      this.emit("failed", error, lg.revision);
    }
  }

  /** A message that failed the receipt checks: reported, nothing changes. */
  reject(error: string, attempted?: number) {
    this.emit("rejected", error, attempted);
  }

  offer(d: DesiredState) {
    this.desiredRevision = Math.max(this.desiredRevision, d.revision);
    if (this.pending && this.pending.revision > d.revision) {
      this.o.log.debug("desired state superseded before it was applied", { revision: d.revision });
      return;
    }
    if (this.pending)
      this.o.log.debug("coalesced desired states", {
        dropped: this.pending.revision,
        kept: d.revision,
      });
    this.pending = d;
    if (!this.draining) this.draining = this.drain().finally(() => (this.draining = null));
  }

  /** Resolves when nothing is queued or being applied. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain() {
    while (this.pending) {
      const d = this.pending;
      this.pending = null;
      // Only a well-formed traceparent is echoed (the state is kept as it was sent).
      const traceparent = traceparentOf(d.trace);
      this.tracing = traceparent ? { traceparent, startedAt: new Date().toISOString() } : null;
      try {
        await this.handle(d);
      } finally {
        this.tracing = null;
      }
    }
  }

  private async run(d: DesiredState) {
    const ms = this.o.timeoutMs ?? 120_000;
    const t0 = performance.now();
    try {
      await this.runAll(d, ms);
    } finally {
      this.lastApplySeconds = (performance.now() - t0) / 1000;
    }
  }

  private async runAll(d: DesiredState, ms: number) {
    await withTimeout(
      (async () => {
        for (const s of this.o.subsystems) {
          await s.apply(d.config, this.good?.config ?? null);
          await s.verify(d.config);
        }
      })(),
      ms,
      `applying revision ${d.revision}`,
    );
  }

  private async handle(d: DesiredState) {
    const good = this.good;
    if (good && d.revision < good.revision)
      return this.emit(
        "rejected",
        `revision ${d.revision} is older than applied ${good.revision}`,
        d.revision,
      );
    if (good && d.revision === good.revision) {
      if (d.hash !== good.hash)
        return this.emit(
          "rejected",
          `revision ${d.revision} is already applied with different content`,
          d.revision,
        );
      if (this.intact) return this.emit("applied", null);
    }
    const failed = this.lastFailed;
    if (failed && failed.revision === d.revision && failed.hash === d.hash) {
      // Same content failed before: report again rather than churn the data plane.
      this.report = failed.report;
      this.outcomes[failed.report.status]++;
      this.send(failed.report);
      return;
    }
    await this.apply(d);
  }

  private async apply(d: DesiredState) {
    const { subsystems, log } = this.o;
    try {
      for (const s of subsystems) await s.validate(d.config);
    } catch (e) {
      this.emit("rejected", `revision ${d.revision} cannot run here: ${errorText(e)}`, d.revision);
      this.lastFailed = { revision: d.revision, hash: d.hash, report: this.report };
      return;
    }
    try {
      await this.run(d);
    } catch (e) {
      this.applyFailuresTotal++;
      const why = `revision ${d.revision} failed: ${errorText(e)}`;
      const to = this.good ? `revision ${this.good.revision}` : "the unconfigured state";
      try {
        await withTimeout(
          (async () => {
            for (const s of subsystems) await s.rollback(this.good?.config ?? null);
          })(),
          this.o.timeoutMs ?? 120_000,
          "rollback",
        );
        this.intact = true;
        log.warn("apply failed; rolled back", { revision: d.revision, error: why });
        this.emit("rolled_back", `${why}; rolled back to ${to}`, d.revision);
      } catch (e2) {
        this.intact = false;
        log.error("apply failed and rollback failed", { revision: d.revision, error: why });
        this.emit("failed", `${why}; rollback to ${to} failed too: ${errorText(e2)}`, d.revision);
      }
      this.lastFailed = { revision: d.revision, hash: d.hash, report: this.report };
      return;
    }
    this.good = d;
    this.intact = true;
    this.lastFailed = null;
    this.appliedAt = new Date().toISOString();
    this.appliesTotal++;
    const warnings: string[] = [];
    const ignored = unknownKeys(
      d.config,
      subsystems.flatMap((s) => s.sections),
    );
    if (ignored.length)
      warnings.push(`ignored what this agent does not apply: ${ignored.join(", ")}`);
    try {
      await this.o.store.saveLastGood(d);
    } catch (e) {
      const warning = `applied, but the last good config could not be saved: ${errorText(e)}`;
      log.error("cannot save last good config", { error: warning });
      warnings.push(warning);
    }
    const warning = warnings.length ? warnings.join("; ") : null;
    log.info("applied desired state", { revision: d.revision });
    this.emit("applied", warning);
  }
}
