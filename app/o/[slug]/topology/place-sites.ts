import type { TopologyView } from "@/server/domains/overlay/services/views";

/** Size of a site on the map: fixed, so the map draws before anything is measured. */
export const NODE_W = 200;
export const NODE_H = 64;

type Site = Pick<TopologyView["sites"][number], "id" | "name" | "role">;

const byName = (a: Site, b: Site) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/**
 * Where each site goes (its centre), deterministically: cloud gateways in a row at the top,
 * hubs in a row in the middle, edge sites on an ellipse around them, alphabetically from
 * the left going clockwise. No layout engine: the same sites always land in the same place.
 */
export function layoutSites(sites: Site[]): Map<string, { x: number; y: number }> {
  const out = new Map<string, { x: number; y: number }>();
  const gateways = sites.filter((s) => s.role === "cloud_gateway").sort(byName);
  const hubs = sites.filter((s) => s.role === "hub").sort(byName);
  const edges = sites.filter((s) => s.role !== "cloud_gateway" && s.role !== "hub").sort(byName);
  const gap = NODE_W + 48;
  const row = (list: Site[], y: number) => {
    for (const [i, s] of list.entries()) out.set(s.id, { x: (i - (list.length - 1) / 2) * gap, y });
  };

  // The ellipse clears the hub row and gives each edge site about a node's width of arc.
  const hubSpan = (hubs.length * gap) / 2;
  const arc = ((edges.length * (NODE_W + 40)) / (2 * Math.PI)) * 1.2;
  const rx = Math.max(hubs.length ? hubSpan + 160 : 0, 300, arc);
  const ry = Math.max(180, rx * 0.55);
  row(hubs, 0);
  row(gateways, edges.length ? -ry - NODE_H * 2 : hubs.length ? -NODE_H * 3 : 0);
  const alone = edges.length === 1 && !hubs.length && !gateways.length;
  for (const [i, s] of edges.entries()) {
    const angle = Math.PI + (2 * Math.PI * i) / edges.length;
    out.set(
      s.id,
      alone
        ? { x: 0, y: 0 }
        : { x: Math.round(rx * Math.cos(angle)), y: Math.round(ry * Math.sin(angle)) },
    );
  }
  return out;
}
