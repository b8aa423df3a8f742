// The test bed's addresses, as data (site i = 0, 1, 2 is "a", "b", "c"; link l = 0, 1):
//
//   LAN host 10.(10+i).0.2 ── lan0 ── box 10.(10+i).0.1
//   box wan<l> 172.16.(10i+l).2/24 ── veth ── inet 172.16.(10i+l).1 (the link's gateway)
//   public address 203.0.113.(10(i+1)+l)/32 on inet's lo, served only by the relay
//
// Real addresses are private and never routed between sites (inet does not forward);
// public addresses are from TEST-NET-3, so nothing here can leak to a real network.
export const SITE_NAMES = ["a", "b", "c"] as const;
export type SiteName = (typeof SITE_NAMES)[number];

export interface LinkPlan {
  /** The box's interface. */
  ifname: string;
  /** The WAN emulator's name for the link: "<site>.<ifname>". */
  name: string;
  /** inet's end of the veth. */
  inetIfname: string;
  network: string;
  realAddress: string;
  prefixLen: number;
  gateway: string;
  publicAddress: string;
  /** The box's routing table for sources of this link (see testbed.ts). */
  table: number;
}

export interface SitePlan {
  name: SiteName;
  index: number;
  links: LinkPlan[];
  lanIfname: string;
  lanPrefix: string;
  /** The box's LAN address (the LAN host's gateway). */
  lanAddress: string;
  hostAddress: string;
}

export function sitePlan(index: number, linksPerSite: number): SitePlan {
  const name = SITE_NAMES[index];
  if (!name) throw new Error(`site index ${index}: the plan has sites a, b, c`);
  if (!Number.isInteger(linksPerSite) || linksPerSite < 1 || linksPerSite > 4)
    throw new Error(`linksPerSite ${linksPerSite}: 1 to 4`);
  const links = Array.from({ length: linksPerSite }, (_, l): LinkPlan => {
    const net = `172.16.${10 * index + l}`;
    return {
      ifname: `wan${l}`,
      name: `${name}.wan${l}`,
      inetIfname: `${name}wan${l}`,
      network: `${net}.0/24`,
      realAddress: `${net}.2`,
      prefixLen: 24,
      gateway: `${net}.1`,
      publicAddress: `203.0.113.${10 * (index + 1) + l}`,
      table: 31000 + l,
    };
  });
  return {
    name,
    index,
    links,
    lanIfname: "lan0",
    lanPrefix: `10.${10 + index}.0.0/24`,
    lanAddress: `10.${10 + index}.0.1`,
    hostAddress: `10.${10 + index}.0.2`,
  };
}
