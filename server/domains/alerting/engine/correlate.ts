// Correlation: firing conditions that share a cause become one incident, with a hint of
// that cause in words. A WAN link whose every path is down explains those paths, the
// classes that moved off them and the SLA misses on them; a device that is offline explains
// the paths to it that the other sites see down. Pure: the evaluator reads, this decides.
import { type Severity, severityRank } from "../rules/catalog";
import type { Condition } from "./apply-rules";

export interface Topology {
  sites: ReadonlyMap<string, { name: string }>;
  links: ReadonlyMap<string, { siteId: string; name: string; kind: string }>;
  devices: ReadonlyMap<string, { siteId: string; hostname: string }>;
  /** Every path id the org's devices have (two link ids joined by "~"). */
  paths: ReadonlySet<string>;
  /** Recent failovers (a class leaving a path), for "N classes moved". */
  failovers: readonly { deviceId: string; unit: string; fromPath: string | null; at: Date }[];
}

export interface Group {
  key: string;
  siteId: string | null;
  severity: Severity;
  title: string;
  rootCause: string;
  conditions: Condition[];
}

const SITE_KINDS = new Set(["device_offline", "path_down", "sla_violation", "failover_storm"]);
const linksOf = (pathId: string) => pathId.split("~");
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const list = (names: string[], max = 3) =>
  names.length <= max
    ? names.join(", ")
    : `${names.slice(0, max).join(", ")} and ${names.length - max} more`;

function maxSeverity(conditions: readonly Condition[]): Severity {
  return conditions.reduce<Severity>(
    (s, c) => (severityRank(c.severity) > severityRank(s) ? c.severity : s),
    "info",
  );
}

/** Links all of whose paths are down, with their paths and since when the last went down. */
function downLinks(topo: Topology, pathDown: readonly Condition[]) {
  const downSince = new Map<string, Date>();
  for (const c of pathDown) {
    if (!c.pathId) continue;
    const had = downSince.get(c.pathId);
    if (!had || c.since < had) downSince.set(c.pathId, c.since);
  }
  const pathsOfLink = new Map<string, Set<string>>();
  for (const p of [...topo.paths, ...downSince.keys()])
    for (const l of linksOf(p)) {
      if (!topo.links.has(l)) continue;
      const set = pathsOfLink.get(l) ?? new Set<string>();
      pathsOfLink.set(l, set);
      set.add(p);
    }
  const down = new Map<string, { paths: string[]; since: Date }>();
  for (const [link, paths] of pathsOfLink) {
    const all = [...paths];
    if (all.length === 0 || !all.every((p) => downSince.has(p))) continue;
    const since = new Date(Math.max(...all.map((p) => (downSince.get(p) as Date).getTime())));
    down.set(link, { paths: all, since });
  }
  return down;
}

export function correlate(conditions: readonly Condition[], topo: Topology): Group[] {
  const groups = new Map<string, Group>();
  const add = (key: string, siteId: string | null, c: Condition) => {
    let g = groups.get(key);
    if (!g) {
      g = { key, siteId, severity: "info", title: "", rootCause: "", conditions: [] };
      groups.set(key, g);
    }
    g.conditions.push(c);
  };

  // Conditions of their own: one incident per object (or per org for config failures).
  for (const c of conditions) {
    if (SITE_KINDS.has(c.kind)) continue;
    if (c.kind === "rollout_halted") add(`rollout:${c.objectId}`, null, c);
    else if (c.kind === "config_failed") add("config", null, c);
    else if (c.kind === "cert_expiry") add(`cert:${c.objectId}`, c.siteId, c);
    else if (c.kind === "quota") add(`quota:${c.objectId}`, null, c);
    else add(c.kind, null, c);
  }

  const pathDown = conditions.filter((c) => c.kind === "path_down");
  const down = downLinks(topo, pathDown);
  const offlineSites = new Map<string, Condition[]>();
  for (const c of conditions)
    if (c.kind === "device_offline" && c.siteId)
      offlineSites.set(c.siteId, [...(offlineSites.get(c.siteId) ?? []), c]);

  /** The site whose trouble explains a path being down, seen from `reporter`'s site. */
  const rootOfPath = (pathId: string, reporterSite: string | null) => {
    const ends = linksOf(pathId).flatMap((l) => {
      const link = topo.links.get(l);
      return link ? [{ id: l, siteId: link.siteId }] : [];
    });
    const offline = ends.find((e) => e.siteId !== reporterSite && offlineSites.has(e.siteId));
    if (offline) return offline.siteId;
    const downEnds = ends
      .filter((e) => down.has(e.id))
      .sort(
        (a, b) =>
          (down.get(b.id)?.paths.length ?? 0) - (down.get(a.id)?.paths.length ?? 0) ||
          Number(b.siteId === reporterSite) - Number(a.siteId === reporterSite),
      );
    return downEnds[0]?.siteId ?? reporterSite;
  };

  for (const c of conditions) {
    if (!SITE_KINDS.has(c.kind)) continue;
    let site = c.siteId;
    if (c.kind === "path_down" && c.pathId) site = rootOfPath(c.pathId, c.siteId);
    else if ((c.kind === "sla_violation" || c.kind === "failover_storm") && c.pathId) {
      const onDown = pathDown.some((p) => p.pathId === c.pathId);
      if (onDown) site = rootOfPath(c.pathId, c.siteId);
    }
    add(`site:${site ?? "none"}`, site, c);
  }

  for (const g of groups.values()) {
    g.severity = maxSeverity(g.conditions);
    Object.assign(g, explain(g, topo, down, offlineSites));
  }
  return [...groups.values()];
}

function explain(
  g: Group,
  topo: Topology,
  down: Map<string, { paths: string[]; since: Date }>,
  offlineSites: Map<string, Condition[]>,
): { title: string; rootCause: string } {
  const c0 = g.conditions[0] as Condition;
  const siteName = g.siteId ? (topo.sites.get(g.siteId)?.name ?? "a deleted site") : "";
  const of = (kind: string) => g.conditions.filter((c) => c.kind === kind);
  if (g.key === "config") {
    const devices = of("config_failed")
      .map((c) => c.objectName)
      .sort();
    return {
      title: `Configuration failed on ${plural(devices.length, "device")}`,
      rootCause:
        devices.length === 1 ? c0.summary : `${list(devices)} could not apply their configuration`,
    };
  }
  if (!g.key.startsWith("site:")) {
    const titles: Record<string, string> = {
      rollout_halted: `Rollout of ${c0.objectName} halted`,
      cert_expiry: `Certificate of ${c0.objectName} expiring`,
      quota: `Quota: ${c0.objectName}`,
      billing_grace: "Payment failed: billing grace period",
    };
    return { title: titles[c0.kind] ?? c0.summary, rootCause: c0.summary };
  }

  const pathsDown = of("path_down");
  const offline = g.siteId ? (offlineSites.get(g.siteId) ?? []) : [];
  if (offline.length > 0) {
    const names = offline.map((c) => c.objectName).sort();
    const remote = pathsDown.filter((p) => p.siteId !== g.siteId).length;
    return {
      title: `${siteName}: ${offline.length === 1 ? `${names[0]} offline` : `${plural(names.length, "device")} offline`}`,
      rootCause:
        `${list(names)} at ${siteName} ${offline.length === 1 ? "is" : "are"} not connected to the control plane` +
        (remote > 0 ? `; the other sites see ${plural(remote, "path")} to it down` : ""),
    };
  }
  const siteLinks = [...down.entries()].filter(([id]) => topo.links.get(id)?.siteId === g.siteId);
  if (siteLinks.length > 0) {
    const [linkId, info] = siteLinks.sort((a, b) => b[1].paths.length - a[1].paths.length)[0] as [
      string,
      { paths: string[]; since: Date },
    ];
    const link = topo.links.get(linkId) as { name: string; kind: string };
    const paths = new Set(info.paths);
    const moved = new Set(
      topo.failovers
        .filter(
          (f) =>
            f.fromPath && paths.has(f.fromPath) && f.at.getTime() >= info.since.getTime() - 60_000,
        )
        .map((f) => `${f.deviceId}:${f.unit}`),
    );
    const others =
      siteLinks.length > 1 ? ` (and ${plural(siteLinks.length - 1, "other link")})` : "";
    return {
      title: `${siteName}: WAN link ${link.name} down${others}`,
      rootCause:
        `WAN link ${link.name} (${link.kind}) at ${siteName} is down: ` +
        `${info.paths.length === 1 ? "its only path stopped" : `all ${info.paths.length} of its paths stopped`} answering probes` +
        (moved.size > 0
          ? `; ${plural(moved.size, "traffic class", "traffic classes")} moved to other paths`
          : ""),
    };
  }
  if (pathsDown.length > 0) {
    const names = [...new Set(pathsDown.map((c) => c.objectName))].sort();
    return {
      title: `${siteName}: ${plural(names.length, "path")} down`,
      rootCause: `${list(names)} stopped answering probes while ${siteName}'s links still reach other sites`,
    };
  }
  const sla = of("sla_violation");
  if (sla.length > 0)
    return {
      title: `${siteName}: ${list([...new Set(sla.map((c) => c.unitName ?? c.objectName))], 2)} out of SLA`,
      rootCause: (sla[0] as Condition).summary,
    };
  const storm = of("failover_storm");
  return {
    title: `${siteName}: traffic flapping between paths`,
    rootCause: (storm[0] ?? c0).summary,
  };
}
