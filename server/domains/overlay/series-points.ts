// Pure: what a `paths` report adds to the tenant time series (docs/observability.md,
// "Tenant time series"): each path's latency, jitter, loss, MOS and state, and where each
// steering unit goes (class placement: 1 for the path it uses towards a remote site).
import type { PathReport } from "../../../protocol";
import type { SeriesPointInput } from "../../platform/series/write";

const PATH_METRICS = [
  ["latency_ms", "latencyMs"],
  ["jitter_ms", "jitterMs"],
  ["loss_percent", "lossPct"],
  ["mos", "mos"],
] as const;

/** `nowMs` bounds the report's time: a box whose clock runs ahead cannot write the future. */
export function pathSeriesPoints(
  reports: readonly [string, PathReport][],
  nowMs: number,
): SeriesPointInput[] {
  const out: SeriesPointInput[] = [];
  for (const [deviceId, r] of reports) {
    const ts = new Date(Math.min(Date.parse(r.at), nowMs));
    for (const p of r.paths) {
      const base = { deviceId, kind: "path", objectId: p.id, ts } as const;
      for (const [metric, field] of PATH_METRICS) {
        const value = p[field];
        if (value !== null) out.push({ ...base, metric, value });
      }
      if (p.state !== "unknown")
        out.push({ ...base, metric: "up", value: p.state === "up" ? 1 : 0 });
    }
    for (const s of r.selection)
      out.push({
        deviceId,
        kind: "class",
        objectId: s.unit,
        metric: "placement",
        labels: { remote_site: s.remoteSiteId, path: s.pathId ?? "none" },
        ts,
        value: 1,
      });
  }
  return out;
}
