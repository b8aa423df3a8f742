// The read views' test network: HQ (fiber + dial-out lte), Branch (fiber) and a cloud
// gateway, with a box at each; HQ's and Branch's report tunnels and selections.
import { addDevice, linkInput, overlayOrg } from "../../../testkit/factories/overlay";

export const pathId = (x: string, y: string) => [x, y].sort().join("~");
export const since = new Date().toISOString();

/** HQ (fiber + dial-out lte), Branch (fiber), a cloud gateway (internet); a box at HQ and Branch. */
export async function network() {
  const o = await overlayOrg(["HQ", "Branch", "GW"]);
  const [hq, branch, gw] = o.siteIds as [string, string, string];
  const link = async (siteId: string, name: string, iface: string, pub?: string) =>
    (
      await o.api.overlay.links.create({
        orgSlug: o.slug,
        ...linkInput(siteId, name, iface, pub),
      })
    ).id;
  const L = {
    hqFiber: await link(hq, "fiber", "eth0", "198.51.100.10"),
    hqLte: await link(hq, "lte", "eth2"),
    brFiber: await link(branch, "fiber", "eth0", "198.51.100.20"),
    gw: await link(gw, "internet", "eth0", "198.51.100.40"),
  };
  await o.api.overlay.site.update({
    orgSlug: o.slug,
    siteId: gw,
    role: "cloud_gateway",
    prefixes: ["0.0.0.0/0"],
  });
  await o.api.overlay.site.update({
    orgSlug: o.slug,
    siteId: hq,
    role: "edge",
    prefixes: ["10.10.0.0/16"],
  });
  const P = {
    main: pathId(L.hqFiber, L.brFiber),
    backup: pathId(L.hqLte, L.brFiber),
    hqGwFiber: pathId(L.hqFiber, L.gw),
    hqGwLte: pathId(L.hqLte, L.gw),
    brGw: pathId(L.brFiber, L.gw),
  };
  const dHq = await addDevice(o.orgId, hq, {
    hostname: "hq-edge",
    overlayStatus: {
      v: 1,
      at: since,
      publicKey: `${"A".repeat(43)}=`,
      tunnels: [
        { pathId: P.main, ifname: "pw1", state: "up", lastHandshakeAt: since },
        { pathId: P.hqGwFiber, ifname: "pw2", state: "down", lastHandshakeAt: null },
      ],
      selection: [
        { unit: "class:c1", unitName: "voice", remoteSiteId: branch, pathId: P.main, since },
        { unit: "policy:p1", unitName: "SSH via GW", remoteSiteId: gw, pathId: P.hqGwLte, since },
        { unit: "class:c1", unitName: "voice", remoteSiteId: "deleted-site", pathId: null, since },
        { garbage: true },
      ],
    },
  });
  const dBr = await addDevice(o.orgId, branch, {
    hostname: "branch-edge",
    overlayStatus: {
      v: 1,
      at: since,
      publicKey: `${"B".repeat(43)}=`,
      tunnels: [],
      selection: [{ unit: "class:c2", unitName: "bulk", remoteSiteId: hq, pathId: P.main, since }],
    },
  });
  await addDevice(o.orgId, gw, { online: false, hostname: "gw-edge" });
  return { o, hq, branch, gw, L, P, dHq: dHq.id, dBr: dBr.id };
}
