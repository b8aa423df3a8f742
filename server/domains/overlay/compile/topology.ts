// Which sites get tunnels to which (docs/overlay.md, "Topology"). Symmetric by
// construction: b is a neighbor of a exactly when a is a neighbor of b, so both ends of a
// pair compute the same paths.
import type { OverlayIntent } from "../intent-schema";

export type SiteRole = "edge" | "hub" | "cloud_gateway";

/**
 * `sites`: the sites that can take part (they have enabled links and a peer), sorted by id.
 * Returns siteId → its neighbors, sorted by id, computed once per site.
 */
export function neighborsOf(
  settings: OverlayIntent["settings"],
  sites: readonly { id: string; role: SiteRole }[],
) {
  const all = sites.map((s) => s.id);
  const role = new Map(sites.map((s) => [s.id, s.role]));
  const gateways = sites.filter((s) => s.role === "cloud_gateway").map((s) => s.id);
  const hubs = sites.filter((s) => s.role === "hub").map((s) => s.id);
  const listed = new Map<string, Set<string>>();
  if (settings.topology === "partial_mesh") {
    for (const { a, b } of settings.sitePairs) {
      if (a === b || !role.has(a) || !role.has(b)) continue;
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        const set = listed.get(x) ?? new Set<string>();
        set.add(y);
        listed.set(x, set);
      }
    }
  }

  const memo = new Map<string, readonly string[]>();
  return (siteId: string): readonly string[] => {
    const hit = memo.get(siteId);
    if (hit) return hit;
    const r = role.get(siteId);
    let out: string[];
    if (r === undefined) out = [];
    // Every site connects to a cloud gateway, so a gateway connects to every site.
    else if (r === "cloud_gateway" || settings.topology === "full_mesh")
      out = all.filter((id) => id !== siteId);
    else if (settings.topology === "hub_spoke")
      out =
        r === "hub"
          ? all.filter((id) => id !== siteId)
          : [...new Set([...hubs, ...gateways])].filter((id) => id !== siteId).sort();
    else
      out = [...new Set([...(listed.get(siteId) ?? []), ...gateways])]
        .filter((id) => id !== siteId)
        .sort();
    memo.set(siteId, out);
    return out;
  };
}
