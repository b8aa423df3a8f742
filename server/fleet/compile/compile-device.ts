// Pure: each site's share of the org intent, in the data plane's terms. Rules that apply
// to every site come with the site's own, in priority order; their ids are positions, so
// the data plane's per-rule counters line up with the rule list the portal shows.
import type { Intent } from "../intent/schemas";
import type { DeviceConfig } from "../protocol";

function groupBySite<T extends { siteId: string }>(rows: readonly T[]) {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(r.siteId);
    if (list) list.push(r);
    else m.set(r.siteId, [r]);
  }
  return m;
}

/** Returns siteId → config (undefined for an unknown site), computing each site once. */
export function siteCompiler(intent: Intent) {
  const sites = new Map(intent.sites.map((s) => [s.id, s]));
  const forwards = groupBySite(intent.portForwards);
  const services = groupBySite(intent.services);
  const cache = new Map<string, DeviceConfig>();

  return (siteId: string): DeviceConfig | undefined => {
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
    cache.set(siteId, config);
    return config;
  };
}
