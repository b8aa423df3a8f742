// Pure: each site's `overlay` section (ZOverlayConfig) from the org's intent and its
// overlay peers, exactly as docs/overlay.md says. Both ends of a path compute it from the
// same inputs, so they agree on its id, interface-independent addresses, each other's
// ports and keys without any exchange beyond the keys themselves.

import type {
  OverlayClass,
  OverlayConfig,
  OverlayLink,
  OverlayPath,
  OverlayPolicy,
  OverlaySegment,
  Sla,
} from "../../../../protocol";
import type { OverlayCompileInput, OverlayIntent } from "../intent-schema";
import { BASE_LISTEN_PORT, pathAddresses, pathIdOf, tunnelIfname } from "./addressing";
import { neighborsOf } from "./topology";

/** A site's first active device (by createdAt, then id) and the tunnel key it reported. */
export interface OverlayPeer {
  siteId: string;
  deviceId: string;
  /** null: not reported yet, so the site is not a peer. */
  publicKey: string | null;
}

export const TELEMETRY_INTERVAL_MS = 5000;
const MAX_PREFIXES = 256;
const MAX_SOURCES = 64;
const MAX_PREFERRED = 64;
const MAX_SEGMENTS = 64;

type Link = OverlayIntent["links"][number];
type Site = OverlayCompileInput["sites"][number];
interface RawPath {
  id: string;
  local: Link;
  remoteSite: string;
  remote: Link;
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const unique = <T>(xs: readonly T[]) => [...new Set(xs)];
/** Cheapest first, id breaking ties: the order policies and segments list paths in. */
const byCost = (paths: readonly OverlayPath[]) =>
  [...paths].sort((a, b) => a.cost - b.cost || byId(a, b));

function groupBySite(links: readonly Link[]) {
  const m = new Map<string, Link[]>();
  for (const l of links) {
    if (!l.enabled) continue;
    const list = m.get(l.siteId);
    if (list) list.push(l);
    else m.set(l.siteId, [l]);
  }
  return m;
}

const slaOf = (s: OverlayIntent["slaClasses"][number] | undefined): Sla | undefined =>
  s && { maxLatencyMs: s.maxLatencyMs, maxJitterMs: s.maxJitterMs, maxLossPct: s.maxLossPct };

/**
 * Returns siteId → the site's overlay config, or undefined when the site has no enabled
 * link or no device of the org has reported a tunnel key yet (so configs of orgs that do
 * not use the overlay stay exactly as they were). Memoized per site.
 */
export function overlayCompiler(
  orgId: string,
  intent: OverlayCompileInput,
  peers: readonly OverlayPeer[],
) {
  const ov = intent.overlay;
  const links = groupBySite(ov.links);
  const sites = new Map(intent.sites.map((s) => [s.id, s]));
  // One peer per site: its first device, even when a later one has a key and it has not.
  const first = new Map<string, OverlayPeer>();
  for (const p of peers) if (!first.has(p.siteId)) first.set(p.siteId, p);
  const keyed = new Map<string, OverlayPeer & { publicKey: string }>();
  for (const p of first.values())
    if (p.publicKey) keyed.set(p.siteId, { ...p, publicKey: p.publicKey });
  if (links.size === 0 || keyed.size === 0) return (_siteId: string) => undefined;

  const members = [...sites.values()].filter((s) => links.has(s.id) && keyed.has(s.id)).sort(byId);
  const neighbors = neighborsOf(ov.settings, members);
  const siteOf = (id: string) => sites.get(id) as Site;
  const linksOf = (id: string) => links.get(id) ?? [];

  const rawMemo = new Map<string, { paths: RawPath[]; index: Map<string, number> }>();
  /** A member's paths sorted by id: their positions give the listen ports. */
  const rawPaths = (siteId: string) => {
    const hit = rawMemo.get(siteId);
    if (hit) return hit;
    const paths: RawPath[] = [];
    for (const remoteSite of neighbors(siteId))
      for (const local of linksOf(siteId))
        for (const remote of linksOf(remoteSite))
          if (local.publicAddress || remote.publicAddress)
            paths.push({ id: pathIdOf(local.id, remote.id), local, remoteSite, remote });
    paths.sort(byId);
    const out = { paths, index: new Map(paths.map((p, i) => [p.id, i])) };
    rawMemo.set(siteId, out);
    return out;
  };
  const portOf = (siteId: string, pathId: string) =>
    BASE_LISTEN_PORT + (rawPaths(siteId).index.get(pathId) as number);

  /** What the local site reaches over a path to `remote`: a hub also carries its spokes'. */
  const prefixesVia = (local: string, remote: string) => {
    const out = new Set(siteOf(remote).prefixes);
    if (siteOf(remote).role === "hub" && siteOf(local).role !== "hub") {
      const direct = new Set(neighbors(local));
      for (const via of neighbors(remote)) {
        if (out.size >= MAX_PREFIXES) break;
        if (via === local || direct.has(via)) continue;
        for (const p of siteOf(via).prefixes) out.add(p);
      }
    }
    return [...out].slice(0, MAX_PREFIXES);
  };

  const pathsOf = (siteId: string): OverlayPath[] => {
    const self = keyed.get(siteId);
    if (!self) return [];
    const prefixMemo = new Map<string, string[]>();
    return rawPaths(siteId).paths.map((p, i) => {
      const peer = keyed.get(p.remoteSite) as OverlayPeer & { publicKey: string };
      const remote = siteOf(p.remoteSite);
      const addr = pathAddresses(orgId, p.id);
      const weAreFirst = p.local.id < p.remote.id;
      let prefixes = prefixMemo.get(p.remoteSite);
      if (!prefixes) {
        prefixes = prefixesVia(siteId, p.remoteSite);
        prefixMemo.set(p.remoteSite, prefixes);
      }
      return {
        id: p.id,
        localLink: p.local.id,
        remote: {
          siteId: remote.id,
          siteName: remote.name,
          role: remote.role,
          deviceId: peer.deviceId,
          linkId: p.remote.id,
          linkName: p.remote.name,
          publicKey: peer.publicKey,
          ...(p.remote.publicAddress
            ? { endpoint: { address: p.remote.publicAddress, port: portOf(p.remoteSite, p.id) } }
            : {}),
        },
        ifname: tunnelIfname(self.deviceId, p.id),
        listenPort: BASE_LISTEN_PORT + i,
        address: weAreFirst ? addr.first : addr.second,
        peerAddress: weAreFirst ? addr.second : addr.first,
        prefixes,
        cost: p.local.cost + p.remote.cost,
      };
    });
  };

  const slas = new Map(ov.slaClasses.map((s) => [s.id, s]));
  const apps = new Map(ov.appClasses.map((a) => [a.id, a]));
  const groups = new Map(ov.userGroups.map((g) => [g.id, g]));
  const classes: OverlayClass[] = [...ov.appClasses]
    .sort((a, b) => a.number - b.number || byId(a, b))
    .map((a) => {
      const sla = slaOf(a.slaClassId ? slas.get(a.slaClassId) : undefined);
      return {
        id: a.number,
        name: a.name,
        kind: a.kind,
        ...(a.dscp !== null ? { dscp: a.dscp } : {}),
        match: a.match,
        ...(sla ? { sla } : {}),
      };
    });

  const policiesOf = (siteId: string, paths: readonly OverlayPath[]): OverlayPolicy[] => {
    // Within one preference, the cheaper path first: the agent tries them in this order.
    const ranked = byCost(paths);
    const out: OverlayPolicy[] = [];
    const applicable = ov.policies
      .filter((p) => p.enabled && (p.siteId === null || p.siteId === siteId))
      .sort((a, b) => a.priority - b.priority || byId(a, b));
    for (const p of applicable) {
      const app = p.appClassId ? apps.get(p.appClassId) : undefined;
      // A policy whose class is gone must not widen to all traffic.
      if (p.appClassId && !app) continue;
      const group = p.userGroupId ? groups.get(p.userGroupId) : undefined;
      const preferred = unique(
        p.preferred.flatMap((pref) =>
          ranked
            .filter(
              (path) =>
                path.remote.siteId === pref.siteId &&
                (pref.localLink === undefined ||
                  linksOf(siteId).find((l) => l.id === path.localLink)?.name === pref.localLink) &&
                (pref.remoteLink === undefined || path.remote.linkName === pref.remoteLink),
            )
            .map((path) => path.id),
        ),
      ).slice(0, MAX_PREFERRED);
      const sla = slaOf(p.slaClassId ? slas.get(p.slaClassId) : undefined);
      out.push({
        id: p.id,
        name: p.name,
        priority: p.priority,
        ...(app ? { classId: app.number } : {}),
        sources: unique([...(group?.prefixes ?? []), ...p.srcPrefixes]).slice(0, MAX_SOURCES),
        preferred,
        ...(sla ? { sla } : {}),
        onViolation: p.onViolation,
      });
    }
    return out;
  };

  /**
   * The segments the site is a member of, by VNI; peers are the other members it has
   * paths to, in member order. A segment with no such peer yet still bridges the
   * interface, so that the box is ready when a peer comes.
   */
  const segmentsOf = (siteId: string, paths: readonly OverlayPath[]): OverlaySegment[] => {
    const ranked = byCost(paths);
    return [...ov.segments]
      .sort((a, b) => a.vni - b.vni || byId(a, b))
      .flatMap((seg) => {
        const own = seg.members.find((m) => m.siteId === siteId);
        if (!own) return [];
        const peers = unique(seg.members.map((m) => m.siteId))
          .filter((id) => id !== siteId)
          .map((id) => ({
            siteId: id,
            pathIds: ranked
              .filter((p) => p.remote.siteId === id)
              .map((p) => p.id)
              .slice(0, MAX_PREFERRED),
          }))
          .filter((p) => p.pathIds.length > 0);
        return [{ vni: seg.vni, name: seg.name, interface: own.interface, peers }];
      })
      .slice(0, MAX_SEGMENTS);
  };

  const memo = new Map<string, OverlayConfig | undefined>();
  return (siteId: string): OverlayConfig | undefined => {
    if (memo.has(siteId)) return memo.get(siteId);
    const own = links.get(siteId);
    let config: OverlayConfig | undefined;
    if (own && sites.has(siteId)) {
      const paths = pathsOf(siteId);
      const segments = segmentsOf(siteId, paths);
      config = {
        settings: {
          probeIntervalMs: ov.settings.probeIntervalMs,
          holdDownMs: ov.settings.holdDownSeconds * 1000,
          telemetryIntervalMs: TELEMETRY_INTERVAL_MS,
        },
        links: own.map(
          (l): OverlayLink => ({
            id: l.id,
            name: l.name,
            kind: l.kind,
            ifname: l.interface,
            ...(l.gateway ? { gateway: l.gateway } : {}),
            cost: l.cost,
            metered: l.metered,
          }),
        ),
        paths,
        classes,
        policies: policiesOf(siteId, paths),
        ...(segments.length ? { segments } : {}),
      };
    }
    memo.set(siteId, config);
    return config;
  };
}
