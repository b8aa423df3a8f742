// Each site's state from its devices' presence and its paths' health (docs/overview.md):
//   pending  — no active device yet (nothing enrolled, or only awaiting approval);
//   down     — active devices, none of them online;
//   degraded — online, but one of its active devices is offline, or one of its paths is
//              down or off its SLA by the newest fresh probes;
//   up       — every active device online and every measured path within its SLA.
// One aggregate query for the devices and the overlay's path view (a few queries, not one
// per site).
import type { Tx } from "../../../platform/db/client";
import { topology } from "../../overlay";

export type SiteState = "up" | "degraded" | "down" | "pending";

const RANK: Record<SiteState, number> = { pending: 0, up: 1, degraded: 2, down: 3 };
/** The worse of two states (pending counts as the best: nothing there can fail). */
export const worseState = (a: SiteState, b: SiteState) => (RANK[a] >= RANK[b] ? a : b);

interface DeviceCounts {
  id: string;
  name: string;
  devices: number;
  online: number;
}

export interface FleetHealth {
  sites: { id: string; name: string; state: SiteState }[];
  paths: { total: number; measured: number; failing: number; down: number };
}

export function stateOf(c: DeviceCounts, pathTrouble: boolean): SiteState {
  if (c.devices === 0) return "pending";
  if (c.online === 0) return "down";
  return c.online < c.devices || pathTrouble ? "degraded" : "up";
}

export async function fleetHealth(tx: Tx, orgId: string): Promise<FleetHealth> {
  const [counts, view] = await Promise.all([
    tx.$queryRaw<DeviceCounts[]>`
      SELECT s.id, s.name,
        count(d.id) FILTER (WHERE d.status = 'active')::int AS devices,
        count(d.id) FILTER (WHERE d.status = 'active' AND d.online)::int AS online
      FROM sites s
      LEFT JOIN devices d ON d."siteId" = s.id AND d."orgId" = s."orgId"
      WHERE s."orgId" = ${orgId}
      GROUP BY s.id, s.name
      ORDER BY s.name, s.id`,
    topology(tx, orgId),
  ]);
  const troubled = new Set<string>();
  const paths = { total: 0, measured: 0, failing: 0, down: 0 };
  for (const e of view.edges)
    for (const p of e.paths) {
      paths.total++;
      if (p.health === "unknown") continue;
      paths.measured++;
      if (p.health === "up") continue;
      paths.failing++;
      if (p.health === "down") paths.down++;
      troubled.add(e.a).add(e.b);
    }
  return {
    sites: counts.map((c) => ({ id: c.id, name: c.name, state: stateOf(c, troubled.has(c.id)) })),
    paths,
  };
}

/** Sites per state. */
export function countStates(sites: FleetHealth["sites"]) {
  const n: Record<SiteState, number> = { up: 0, degraded: 0, down: 0, pending: 0 };
  for (const s of sites) n[s.state]++;
  return n;
}
