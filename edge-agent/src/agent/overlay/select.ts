// Pure path selection (docs/overlay.md "Selection"): per steering unit and remote site,
// which path carries the traffic, and the events that explain every change. No I/O and
// no clock of its own: `evaluate` is given the paths' states and the time (monotonic ms),
// so the same inputs always give the same answer.
//
// Candidates are the unit's preferred paths in order, then the rest by cost (id breaks
// ties). The current path stays while it is up and meets the SLA. When it goes down or
// violates the SLA and another candidate meets it, the best-ranked one that does takes
// over at once (failover). A better-ranked path that recovers takes over only after it
// has met the SLA for the whole hold-down (failback); one never seen failing (it just
// came up for the first time) needs no hold-down. With no candidate meeting the SLA,
// `best_effort` uses the best up path by latency + loss penalty, `hold` stays on the
// current path while it is up; with nothing up the current path stays.
import { fmtDuration, fmtMs, fmtPct, rankCandidates, score, violation } from "./sla";
import type { OnViolation, PathEvent, PathMetrics, PathState, Sla } from "./types";

export {
  fmtDuration,
  fmtMs,
  fmtPct,
  LOSS_PENALTY_MS,
  rankCandidates,
  score,
  violation,
} from "./sla";

export interface SelectPath {
  id: string;
  remoteSiteId: string;
  /** For path events: "Site B via fiber". */
  name?: string;
  cost: number;
  state: PathState;
  metrics: PathMetrics;
  /** Why the path is down, in words ("3 probes lost"). */
  downReason?: string;
}

export interface SelectUnit {
  key: string;
  name: string;
  sla?: Sla;
  onViolation: OnViolation;
  preferred: readonly string[];
}

export type DraftEvent = Omit<PathEvent, "id" | "at">;

export interface SelectionChange {
  unit: string;
  remoteSiteId: string;
  from: string | null;
  /** null: the current path was removed and nothing else is up. */
  to: string | null;
}

export interface SelectionView {
  unit: string;
  unitName: string;
  remoteSiteId: string;
  pathId: string | null;
  /** Monotonic ms of the last change (or of the unit's first evaluation). */
  since: number;
}

interface UnitSite {
  unitName: string;
  pathId: string | null;
  since: number;
  /** Serving a path that does not meet the SLA (an sla_violation was reported). */
  violating: boolean;
  /** Since when each candidate has met the SLA without a break. */
  meetSince: Map<string, number>;
  /** Candidates seen down or out of SLA while this unit watched: failback waits for them. */
  failed: Set<string>;
}

const NO_EVENTS = { events: [] as DraftEvent[], changes: [] as SelectionChange[] };

export class Selector {
  private readonly unitSites = new Map<string, UnitSite>();
  private readonly pathStates = new Map<string, { state: PathState; since: number }>();

  constructor(public holdDownMs: number) {}

  /** One decision round over every unit and remote site. */
  evaluate(
    units: readonly SelectUnit[],
    paths: readonly SelectPath[],
    now: number,
  ): { events: DraftEvent[]; changes: SelectionChange[] } {
    if (units.length === 0 && paths.length === 0 && this.unitSites.size === 0) return NO_EVENTS;
    const events: DraftEvent[] = [];
    const changes: SelectionChange[] = [];
    this.pathEvents(paths, now, events);

    const bySite = new Map<string, SelectPath[]>();
    for (const p of paths) {
      const list = bySite.get(p.remoteSiteId);
      if (list) list.push(p);
      else bySite.set(p.remoteSiteId, [p]);
    }
    const seen = new Set<string>();
    for (const u of units)
      for (const [site, sitePaths] of bySite) {
        const key = `${u.key}\u0000${site}`;
        seen.add(key);
        let st = this.unitSites.get(key);
        if (!st) {
          st = {
            unitName: u.name,
            pathId: null,
            since: now,
            violating: false,
            meetSince: new Map(),
            failed: new Set(),
          };
          this.unitSites.set(key, st);
        }
        st.unitName = u.name;
        const cands = rankCandidates(sitePaths, u.preferred);
        this.decide(u, site, cands, st, now, events, changes);
      }
    for (const key of this.unitSites.keys()) if (!seen.has(key)) this.unitSites.delete(key);
    return { events, changes };
  }

  selections(): SelectionView[] {
    return [...this.unitSites].map(([key, st]) => {
      const [unit, remoteSiteId] = key.split("\u0000") as [string, string];
      return { unit, unitName: st.unitName, remoteSiteId, pathId: st.pathId, since: st.since };
    });
  }

  /**
   * Adopts a selection made before (an agent restart finds its routes in the kernel), so
   * traffic keeps its path while the new probes get their first answers.
   */
  seed(unit: SelectUnit, remoteSiteId: string, pathId: string, now: number) {
    const key = `${unit.key}\u0000${remoteSiteId}`;
    if (this.unitSites.has(key)) return;
    this.unitSites.set(key, {
      unitName: unit.name,
      pathId,
      since: now,
      violating: false,
      meetSince: new Map(),
      failed: new Set(),
    });
  }

  /** The path a unit uses to a site now (null: none yet). */
  current(unit: string, remoteSiteId: string): string | null {
    return this.unitSites.get(`${unit}\u0000${remoteSiteId}`)?.pathId ?? null;
  }

  private pathEvents(paths: readonly SelectPath[], now: number, events: DraftEvent[]) {
    const ids = new Set<string>();
    for (const p of paths) {
      ids.add(p.id);
      const prev = this.pathStates.get(p.id);
      if (prev?.state === p.state) continue;
      this.pathStates.set(p.id, { state: p.state, since: now });
      const base = {
        unit: `path:${p.id}`,
        unitName: (p.name ?? p.id).slice(0, 100),
        remoteSiteId: p.remoteSiteId,
        fromPath: p.id,
        toPath: p.id,
        metrics: p.metrics,
      };
      if (p.state === "down")
        events.push({ ...base, kind: "path_down", reason: p.downReason ?? "path down" });
      else if (p.state === "up" && prev?.state === "down")
        events.push({
          ...base,
          kind: "path_up",
          reason: `probes answered again after ${fmtDuration(now - prev.since)} down`,
        });
    }
    for (const id of this.pathStates.keys()) if (!ids.has(id)) this.pathStates.delete(id);
  }

  private decide(
    u: SelectUnit,
    site: string,
    cands: SelectPath[],
    st: UnitSite,
    now: number,
    events: DraftEvent[],
    changes: SelectionChange[],
  ) {
    const byId = new Map(cands.map((p) => [p.id, p]));
    for (const p of cands) {
      if (violation(p, u.sla) === null) {
        if (!st.meetSince.has(p.id)) st.meetSince.set(p.id, now);
      } else {
        st.meetSince.delete(p.id);
        if (p.state !== "unknown") st.failed.add(p.id);
      }
    }
    for (const id of st.meetSince.keys()) if (!byId.has(id)) st.meetSince.delete(id);
    for (const id of st.failed) if (!byId.has(id)) st.failed.delete(id);

    const cur = st.pathId === null ? undefined : byId.get(st.pathId);
    const base = { unit: u.key, unitName: u.name.slice(0, 100), remoteSiteId: site };
    const move = (to: SelectPath, kind: DraftEvent["kind"], reason: string, shown?: SelectPath) => {
      changes.push({ unit: u.key, remoteSiteId: site, from: st.pathId, to: to.id });
      events.push({
        ...base,
        kind,
        fromPath: st.pathId,
        toPath: to.id,
        reason: reason.slice(0, 500),
        metrics: (shown ?? to).metrics,
      });
      st.pathId = to.id;
      st.since = now;
    };
    const note = (kind: "sla_violation" | "sla_ok", reason: string, p: SelectPath) =>
      events.push({
        ...base,
        kind,
        fromPath: p.id,
        toPath: p.id,
        reason: reason.slice(0, 500),
        metrics: p.metrics,
      });

    // Not measured yet (just started, or re-created): no reason to leave it.
    if (cur?.state === "unknown") return;
    const why = st.pathId === null ? null : violation(cur, u.sla);
    if (cur && why === null) {
      const better = cands.slice(0, cands.indexOf(cur)).find((p) => {
        const since = st.meetSince.get(p.id);
        if (since === undefined) return false;
        return !st.failed.has(p.id) || now - since >= this.holdDownMs;
      });
      if (better) {
        const reason = st.failed.has(better.id)
          ? `failback after ${fmtDuration(this.holdDownMs)} hold-down`
          : "a better-ranked path came up";
        st.violating = false;
        return move(better, "failback", reason);
      }
      if (st.violating) {
        st.violating = false;
        note("sla_ok", u.sla ? "meets the SLA again" : "path up again", cur);
      }
      return;
    }

    const first = cands.find((p) => st.meetSince.has(p.id));
    if (first) {
      st.violating = false;
      if (st.pathId === null) return move(first, "initial", u.sla ? "meets the SLA" : "path up");
      return move(first, "failover", why ?? "path removed", cur);
    }

    const up = cands.filter((p) => p.state === "up");
    if (up.length === 0) {
      // Nothing up: keep the current path (or none), unless it no longer exists.
      if (st.pathId !== null && !cur) {
        changes.push({ unit: u.key, remoteSiteId: site, from: st.pathId, to: null });
        events.push({
          ...base,
          kind: "failover",
          fromPath: st.pathId,
          toPath: null,
          reason: "path removed; no other path is up",
        });
        st.pathId = null;
        st.since = now;
      }
      return;
    }
    const curUp = cur?.state === "up";
    const best = up.reduce((a, b) => (score(b) < score(a) ? b : a));
    const margin = Math.max(5, 0.1 * score(best));
    const stay =
      curUp && (u.onViolation === "hold" || cur === best || score(cur!) <= score(best) + margin);
    if (stay) {
      if (!st.violating) {
        st.violating = true;
        const what = u.onViolation === "hold" ? "holding the current path" : "best effort";
        note("sla_violation", `${why}; no path meets the SLA, ${what}`, cur!);
      }
      return;
    }
    st.violating = true;
    const m = best.metrics;
    const detail = `latency ${m.latencyMs === null ? "?" : fmtMs(m.latencyMs)}, loss ${fmtPct(m.lossPct ?? 0)}`;
    if (st.pathId === null)
      return move(best, "initial", `no path meets the SLA; best effort (${detail})`);
    move(best, "failover", `${why}; no path meets the SLA, best effort (${detail})`, cur);
  }
}
