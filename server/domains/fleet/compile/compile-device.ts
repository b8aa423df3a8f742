// Pure: each site's share of the org intent, in the data plane's terms. Rules that apply
// to every site come with the site's own, in priority order; their ids are positions, so
// the data plane's per-rule counters line up with the rule list the portal shows. The
// overlay section comes from ../overlay/compile-overlay.ts; it needs the org's overlay
// peers (load-compiler.ts reads them).

import { configHash, type DeviceConfig } from "../../../../protocol";
import type { Intent } from "../../../features";
import { type OverlayPeer, overlayCompiler } from "../../overlay";

/** What the overlay section needs beyond the intent: the org, and its sites' tunnel keys. */
export interface OverlayFacts {
  orgId: string;
  peers: readonly OverlayPeer[];
}

function groupBySite<T extends { siteId: string }>(rows: readonly T[]) {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(r.siteId);
    if (list) list.push(r);
    else m.set(r.siteId, [r]);
  }
  return m;
}

/**
 * Returns siteId → config (undefined for an unknown site), computing each site once. The
 * devices of a site share its config (the overlay's tunnels belong to the site's first
 * device). Without `overlay` facts no config has an overlay section: callers that publish
 * or compare hashes must pass them (loadSiteCompiler does).
 */
export function siteCompiler(intent: Intent, overlay?: OverlayFacts) {
  const overlayOf = overlay
    ? overlayCompiler(overlay.orgId, intent, overlay.peers)
    : () => undefined;
  const sites = new Map(intent.sites.map((s) => [s.id, s]));
  const forwards = groupBySite(intent.portForwards);
  const services = groupBySite(intent.services);
  const cache = new Map<string, DeviceConfig>();
  const withoutOverlay = new Map<string, DeviceConfig>();
  const tunnelEnd = new Map((overlay?.peers ?? []).map((p) => [p.siteId, p.deviceId]));

  const forSite = (siteId: string): DeviceConfig | undefined => {
    const hit = cache.get(siteId);
    if (hit) return hit;
    const site = sites.get(siteId);
    if (!site) return undefined;
    const { settings } = site;
    const config: DeviceConfig = {
      site: { id: site.id, name: site.name },
      interfaces: {
        wan: settings.wan,
        lan: settings.lan,
        ...(settings.wanAddress ? { wanAddress: settings.wanAddress } : {}),
        wanIngress: settings.wanIngress,
      },
      defaultAction: settings.defaultAction,
      ...(settings.snat ? { snat: settings.snat } : {}),
      rules: intent.rules
        .filter((r) => r.siteId === null || r.siteId === siteId)
        .slice(0, 64)
        .map((r, i) => ({
          id: i + 1,
          src: r.src,
          dst: r.dst,
          proto: r.proto,
          ...(r.portLo !== null && r.portHi !== null
            ? { ports: [r.portLo, r.portHi] as [number, number] }
            : {}),
          action: r.action,
        })),
      portForwards: (forwards.get(siteId) ?? []).map((f, i) => ({
        id: i + 1,
        proto: f.proto,
        port: f.port,
        to: f.toAddr,
        toPort: f.toPort,
      })),
      services: (services.get(siteId) ?? []).map((s, i) => ({
        id: i + 1,
        vip: s.vip,
        port: s.port,
        proto: s.proto,
        backends: s.backends,
      })),
    };
    // Absent rather than empty, so configs of sites outside the overlay hash as before.
    const ov = overlayOf(siteId);
    if (ov) config.overlay = ov;
    cache.set(siteId, config);
    return config;
  };

  /**
   * `deviceId`: only the site's tunnel end (its first active device, the one its peers
   * know) gets the overlay; another box of the site (a standby) gets the rest without it,
   * rather than tunnels named after, and keyed for, its sibling.
   */
  return (siteId: string, deviceId?: string): DeviceConfig | undefined => {
    const config = forSite(siteId);
    if (!config?.overlay || deviceId === undefined || tunnelEnd.get(siteId) === deviceId)
      return config;
    let other = withoutOverlay.get(siteId);
    if (!other) {
      const { overlay: _, ...rest } = config;
      other = rest;
      withoutOverlay.set(siteId, other);
    }
    return other;
  };
}

const hashes = new WeakMap<DeviceConfig, string>();

/**
 * configHash of a config made by siteCompiler, computed once per config object: the
 * devices of a site share their site's config, so a fleet costs one hash per site rather
 * than one per device (10,000 devices: ~0.2 s of CPU each time a compile, a publish or a
 * canary advance hashed them all). Safe because compiled configs are never mutated.
 */
export function compiledHash(config: DeviceConfig): string {
  let hash = hashes.get(config);
  if (hash === undefined) {
    hash = configHash(config);
    hashes.set(config, hash);
  }
  return hash;
}
