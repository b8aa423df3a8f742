// Which site pairs and link pairs have paths (docs/overlay.md, "Words"), and what a
// path's health is. Pure: the read views recompute the compiled topology with it, so
// the portal shows the same paths the devices were told to build.
import type { OverlayIntent } from "../intent-schema";
import type { PathHealth } from "./views";

export interface PairSite {
  id: string;
  role: string;
}
type Link = Pick<OverlayIntent["links"][number], "id" | "siteId" | "publicAddress" | "enabled">;
type Settings = Pick<OverlayIntent["settings"], "topology" | "sitePairs">;

export interface OverlayPathRef {
  /** The two link ids, sorted, joined by "~": both ends name the path the same. */
  id: string;
  /** Site ids, a < b, and each one's link on this path. */
  a: string;
  b: string;
  aLink: string;
  bLink: string;
}

export const pathIdOf = (linkA: string, linkB: string) => [linkA, linkB].sort().join("~");
export const edgeIdOf = (siteA: string, siteB: string) => [siteA, siteB].sort().join("~");

/** Site pairs [a, b] (a < b by id) that the topology connects; cloud gateways pair with all. */
export function sitePairsOf(settings: Settings, sites: PairSite[]): [string, string][] {
  const listed = new Set(settings.sitePairs.map((p) => edgeIdOf(p.a, p.b)));
  const sorted = [...sites].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const pairs: [string, string][] = [];
  for (const [i, a] of sorted.entries()) {
    for (const b of sorted.slice(i + 1)) {
      const roles = [a.role, b.role];
      const connected =
        roles.includes("cloud_gateway") ||
        settings.topology === "full_mesh" ||
        (settings.topology === "hub_spoke" && roles.includes("hub")) ||
        (settings.topology === "partial_mesh" && listed.has(edgeIdOf(a.id, b.id)));
      if (connected) pairs.push([a.id, b.id]);
    }
  }
  return pairs;
}

/** Every path of the org: per connected pair, each pair of enabled links with a public side. */
export function pathsOf(settings: Settings, sites: PairSite[], links: Link[]): OverlayPathRef[] {
  const bySite = new Map<string, Link[]>();
  for (const l of links.filter((x) => x.enabled))
    bySite.set(l.siteId, [...(bySite.get(l.siteId) ?? []), l]);
  const paths: OverlayPathRef[] = [];
  for (const [a, b] of sitePairsOf(settings, sites)) {
    for (const la of bySite.get(a) ?? [])
      for (const lb of bySite.get(b) ?? []) {
        // Two links that only dial out cannot reach each other.
        if (!la.publicAddress && !lb.publicAddress) continue;
        paths.push({ id: pathIdOf(la.id, lb.id), a, b, aLink: la.id, bLink: lb.id });
      }
  }
  return paths.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

export interface Sample {
  up: boolean;
  latencyMs: number | null;
  jitterMs: number | null;
  lossPct: number | null;
}
export interface HealthBounds {
  maxLatencyMs: number;
  maxJitterMs: number;
  maxLossPct: number;
}

/** Without SLA classes: a path is degraded above 150 ms or 1 % loss. */
export const DEFAULT_BOUNDS: HealthBounds = {
  maxLatencyMs: 150,
  maxJitterMs: Number.POSITIVE_INFINITY,
  maxLossPct: 1,
};

/**
 * Degraded means "some SLA class of the org would refuse this path": the bounds are
 * the strictest of each metric over the org's SLA classes (the defaults without any).
 */
export function boundsOf(slaClasses: HealthBounds[]): HealthBounds {
  if (slaClasses.length === 0) return DEFAULT_BOUNDS;
  return {
    maxLatencyMs: Math.min(...slaClasses.map((s) => s.maxLatencyMs)),
    maxJitterMs: Math.min(...slaClasses.map((s) => s.maxJitterMs)),
    maxLossPct: Math.min(...slaClasses.map((s) => s.maxLossPct)),
  };
}

export function healthOf(sample: Sample | undefined, bounds: HealthBounds): PathHealth {
  if (!sample) return "unknown";
  if (!sample.up) return "down";
  const over = (v: number | null, max: number) => v !== null && v > max;
  if (
    over(sample.latencyMs, bounds.maxLatencyMs) ||
    over(sample.jitterMs, bounds.maxJitterMs) ||
    over(sample.lossPct, bounds.maxLossPct)
  )
    return "degraded";
  return "up";
}

const RANK: Record<PathHealth, number> = { unknown: 0, up: 1, degraded: 2, down: 3 };
export const worse = (x: PathHealth, y: PathHealth) => (RANK[x] >= RANK[y] ? x : y);

/**
 * A site pair's health: all its paths up → up, all down → down, none measured → unknown;
 * any mix (a path down or off its SLA while another carries traffic) → degraded.
 */
export function edgeHealth(paths: PathHealth[]): PathHealth {
  const known = paths.filter((h) => h !== "unknown");
  if (known.length === 0) return "unknown";
  if (known.every((h) => h === "up")) return "up";
  if (known.every((h) => h === "down")) return "down";
  return "degraded";
}
