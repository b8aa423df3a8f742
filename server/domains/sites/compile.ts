// The sites domain's compiler sections: the site itself (its box's interfaces, default
// action and source NAT), its port forwards and its load-balanced services. Ids in the
// config are positions, so the data plane's counters line up with the lists the portal shows.
import type { CompilerSection } from "../../platform/features/contract";
import type { PortForwardsIntent, ServicesIntent, SitesIntent } from "./schemas";

function groupBySite<T extends { siteId: string }>(rows: readonly T[]) {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(r.siteId);
    if (list) list.push(r);
    else m.set(r.siteId, [r]);
  }
  return m;
}

export const siteSection: CompilerSection<{ sites: SitesIntent }> = {
  section: "site",
  forOrg(_orgId, intent) {
    const sites = new Map(intent.sites.map((s) => [s.id, s]));
    return {
      site(siteId) {
        const site = sites.get(siteId);
        if (!site) return undefined;
        const { settings } = site;
        return {
          site: { id: site.id, name: site.name },
          interfaces: {
            wan: settings.wan,
            lan: settings.lan,
            ...(settings.wanAddress ? { wanAddress: settings.wanAddress } : {}),
            wanIngress: settings.wanIngress,
          },
          defaultAction: settings.defaultAction,
          ...(settings.snat ? { snat: settings.snat } : {}),
        };
      },
    };
  },
};

export const portForwardsSection: CompilerSection<{ portForwards: PortForwardsIntent }> = {
  section: "port-forwards",
  forOrg(_orgId, intent) {
    const bySite = groupBySite(intent.portForwards);
    return {
      site: (siteId) => ({
        portForwards: (bySite.get(siteId) ?? []).map((f, i) => ({
          id: i + 1,
          proto: f.proto,
          port: f.port,
          to: f.toAddr,
          toPort: f.toPort,
        })),
      }),
    };
  },
};

export const servicesSection: CompilerSection<{ services: ServicesIntent }> = {
  section: "services",
  forOrg(_orgId, intent) {
    const bySite = groupBySite(intent.services);
    return {
      site: (siteId) => ({
        services: (bySite.get(siteId) ?? []).map((s, i) => ({
          id: i + 1,
          vip: s.vip,
          port: s.port,
          proto: s.proto,
          backends: s.backends,
        })),
      }),
    };
  },
};
