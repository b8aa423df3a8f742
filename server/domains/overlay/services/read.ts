// The overlay as the portal draws it: the org's topology with path health, one site's
// paths and selections, a path's time series, and the incident timeline.
//
// Link fields in the views (aLink/bLink, localLink/remoteLink) are link *names* (unique
// per site); path ids carry the link ids. Health: see overlay-paths.ts.
import type { Tx } from "../../../platform/db/client";
import { notFound } from "../../../platform/errors";
import { edgeHealth, edgeIdOf, healthOf, worse } from "./paths";
import { loadOverlayState, type NewestSample, type OverlayState } from "./state";
import type { PathHealth, SitePathsView, TopologyView } from "./views";

export { listIncidents, pathSeries } from "./series";

const metrics = (s: NewestSample | undefined) => ({
  latencyMs: s?.latencyMs ?? null,
  jitterMs: s?.jitterMs ?? null,
  lossPct: s?.lossPct ?? null,
});

/** The sample that decides a path's health: the worst end, the newer one on a tie. */
function decisive(samples: NewestSample[], bounds: OverlayState["bounds"]) {
  let best: { sample?: NewestSample; health: PathHealth } = { health: "unknown" };
  for (const s of [...samples].sort((x, y) => y.at.getTime() - x.at.getTime())) {
    const h = healthOf(s, bounds);
    if (!best.sample || worse(best.health, h) !== best.health) best = { sample: s, health: h };
  }
  return best;
}

export async function topology(tx: Tx, orgId: string): Promise<TopologyView> {
  const state = await loadOverlayState(tx, orgId);
  const linkName = new Map(state.links.map((l) => [l.id, l.name]));
  const byPath = groupBy(state.samples, (s) => s.pathId);
  // Steering units on each path now, by either end's newest selection.
  const unitsOn = new Map<string, Set<string>>();
  for (const d of state.devices)
    for (const s of d.selection)
      if (s.pathId) unitsOn.set(s.pathId, (unitsOn.get(s.pathId) ?? new Set()).add(s.unitName));

  const edges = new Map<string, TopologyView["edges"][number]>();
  for (const p of state.paths) {
    const id = edgeIdOf(p.a, p.b);
    const edge = edges.get(id) ?? {
      id,
      a: p.a,
      b: p.b,
      health: "unknown" as PathHealth,
      paths: [],
    };
    edges.set(id, edge);
    const { sample, health } = decisive(byPath.get(p.id) ?? [], state.bounds);
    edge.paths.push({
      id: p.id,
      aLink: linkName.get(p.aLink) ?? p.aLink,
      bLink: linkName.get(p.bLink) ?? p.bLink,
      health,
      ...metrics(sample),
      classes: [...(unitsOn.get(p.id) ?? [])].sort(),
    });
  }
  for (const e of edges.values()) e.health = edgeHealth(e.paths.map((p) => p.health));

  const newest = state.samples.reduce<Date | null>((m, s) => (!m || s.at > m ? s.at : m), null);
  const measuredAt = newest ?? (await newestSampleAt(tx, orgId));
  return {
    topology: state.settings.topology,
    sites: state.sites.map((s) => {
      const devices = state.devices.filter((d) => d.siteId === s.id);
      const online = devices.filter((d) => d.online).length;
      return {
        id: s.id,
        name: s.name,
        role: s.role as TopologyView["sites"][number]["role"],
        online: online > 0,
        devicesOnline: online,
        devices: devices.length,
        links: state.links
          .filter((l) => l.siteId === s.id && l.enabled)
          .map((l) => ({ id: l.id, name: l.name, kind: l.kind })),
      };
    }),
    edges: [...edges.values()],
    measuredAt: measuredAt?.toISOString() ?? null,
  };
}

export async function sitePaths(tx: Tx, orgId: string, siteId: string): Promise<SitePathsView> {
  const state = await loadOverlayState(tx, orgId);
  const site = state.sites.find((s) => s.id === siteId);
  if (!site) throw notFound("Site");
  const siteById = new Map(state.sites.map((s) => [s.id, s]));
  const linkName = new Map(state.links.map((l) => [l.id, l.name]));
  const devices = state.devices.filter((d) => d.siteId === siteId);
  const mine = new Set(devices.map((d) => d.id));
  const samples = groupBy(
    state.samples.filter((s) => mine.has(s.deviceId)),
    (s) => s.pathId,
  );

  const paths = state.paths
    .filter((p) => p.a === siteId || p.b === siteId)
    .map((p) => {
      const [local, remote, remoteSite] =
        p.a === siteId ? [p.aLink, p.bLink, p.b] : [p.bLink, p.aLink, p.a];
      // This end's newest sample (an HA pair's boxes both measure the path).
      const sample = (samples.get(p.id) ?? []).sort((x, y) => y.at.getTime() - x.at.getTime())[0];
      const tunnels = devices.flatMap((d) => d.tunnels.filter((t) => t.pathId === p.id));
      const tunnel = tunnels.some((t) => t.state === "up")
        ? ("up" as const)
        : tunnels.some((t) => t.state === "down")
          ? ("down" as const)
          : ("unknown" as const);
      return {
        id: p.id,
        localLink: linkName.get(local) ?? local,
        remoteSite: { id: remoteSite, name: siteById.get(remoteSite)?.name ?? remoteSite },
        remoteLink: linkName.get(remote) ?? remote,
        health: healthOf(sample, state.bounds),
        tunnel,
        ...metrics(sample),
        mos: sample?.mos ?? null,
        at: sample?.at.toISOString() ?? null,
      };
    });

  // One entry per unit and remote site; with two boxes, the online one's (then the newer).
  const selection = new Map<string, SitePathsView["selection"][number]>();
  const ordered = [...devices].sort((x, y) => Number(y.online) - Number(x.online));
  for (const d of ordered)
    for (const s of d.selection) {
      const remote = siteById.get(s.remoteSiteId);
      const key = `${s.unit}|${s.remoteSiteId}`;
      if (!remote || selection.has(key)) continue;
      selection.set(key, {
        unit: s.unit,
        unitName: s.unitName,
        remoteSite: { id: remote.id, name: remote.name },
        pathId: s.pathId,
        since: s.since,
      });
    }

  return {
    site: { id: site.id, name: site.name, role: site.role, prefixes: site.prefixes },
    links: state.links
      .filter((l) => l.siteId === siteId)
      .map((l) => ({
        id: l.id,
        name: l.name,
        kind: l.kind,
        interface: l.interface,
        cost: l.cost,
        metered: l.metered,
        upMbps: l.upMbps,
        downMbps: l.downMbps,
      })),
    paths,
    selection: [...selection.values()].sort(
      (x, y) =>
        x.unitName.localeCompare(y.unitName) || x.remoteSite.name.localeCompare(y.remoteSite.name),
    ),
  };
}

/** The newest sample of the org, however old: per site, the end of an index range. */
async function newestSampleAt(tx: Tx, orgId: string) {
  const [row] = await tx.$queryRaw<{ at: Date | null }[]>`
    SELECT max(x.at) AS at FROM sites s
    CROSS JOIN LATERAL (
      SELECT max(p.at) AS at FROM path_samples p WHERE p."orgId" = s."orgId" AND p."siteId" = s.id
    ) x
    WHERE s."orgId" = ${orgId}`;
  return row?.at ?? null;
}

function groupBy<T>(items: T[], key: (t: T) => string) {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}
