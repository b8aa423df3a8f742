import type { TopologyView } from "@/server/domains/overlay/services/views";
import { fmtMs, fmtPct } from "../_overlay/health";

export type TopoEdge = TopologyView["edges"][number];
export type TopoSite = TopologyView["sites"][number];

/** The pair's best path: up (or degraded) first, then the lowest latency. */
export function bestPath(edge: TopoEdge) {
  const rank = { up: 0, degraded: 1, unknown: 2, down: 3 } as const;
  return [...edge.paths].sort(
    (a, b) =>
      rank[a.health] - rank[b.health] ||
      (a.latencyMs ?? Number.POSITIVE_INFINITY) - (b.latencyMs ?? Number.POSITIVE_INFINITY),
  )[0];
}

/** "12 ms · 0.5 % loss" of the best path; the health itself when nothing is measured. */
export function edgeLabel(edge: TopoEdge) {
  const best = bestPath(edge);
  if (!best || best.latencyMs === null) return edge.health === "unknown" ? "no data" : edge.health;
  return `${fmtMs(best.latencyMs)} · ${fmtPct(best.lossPct ?? 0)} loss`;
}

export const pathsUp = (edge: TopoEdge) =>
  edge.paths.filter((p) => p.health === "up" || p.health === "degraded").length;
