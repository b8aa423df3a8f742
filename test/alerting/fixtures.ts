// An org with two sites, two WAN links each and one box each, whose tunnels name every
// link pair (the overlay test bed's shape), and direct rows for what the boxes report.
import { randomBytes } from "node:crypto";
import { evaluateOrg } from "../../server/domains/alerting";
import { getDb } from "../../server/platform/db/client";
import { addDevice, asOrg, linkInput, overlayOrg } from "../../testkit/factories/overlay";

export async function twoSiteOrg() {
  const o = await overlayOrg(["HQ", "Branch"]);
  const [hq, branch] = o.siteIds as [string, string];
  const link = async (site: string, name: string, iface: string, n: number) =>
    (
      await o.api.overlay.links.create({
        orgSlug: o.slug,
        ...linkInput(site, name, iface, `198.51.100.${n}`),
      })
    ).id;
  const links = {
    a0: await link(hq, "fiber", "eth0", 10),
    a1: await link(hq, "lte", "eth1", 11),
    b0: await link(branch, "fiber", "eth0", 20),
    b1: await link(branch, "dsl", "eth1", 21),
  };
  const path = (x: string, y: string) => [x, y].sort().join("~");
  const paths = [
    path(links.a0, links.b0),
    path(links.a0, links.b1),
    path(links.a1, links.b0),
    path(links.a1, links.b1),
  ];
  const status = { tunnels: paths.map((pathId) => ({ pathId, ifname: "pw0", state: "up" })) };
  const boxA = await addDevice(o.orgId, hq, { hostname: "edge-hq", overlayStatus: status });
  const boxB = await addDevice(o.orgId, branch, { hostname: "edge-branch", overlayStatus: status });
  // Path rules fire at once in tests (their default waits a minute).
  const rules = await o.api.alerts.rules({ orgSlug: o.slug });
  for (const r of rules.items.filter((r) =>
    ["path_down", "device_offline", "sla_violation"].includes(r.kind),
  ))
    await o.api.alerts.updateRule({ orgSlug: o.slug, ruleId: r.id, forSeconds: 0 });
  /** The paths over a link (both ends see each). */
  const pathsOf = (link: string) => paths.filter((p) => p.split("~").includes(link));
  return { ...o, hq, branch, links, paths, pathsOf, boxA, boxB };
}
export type TwoSiteOrg = Awaited<ReturnType<typeof twoSiteOrg>>;

// Well inside every window the evaluator reads (failovers: the last hour).
let clock = Date.now() - 20 * 60_000;
/** Path events as the agents report them (each later than the one before). */
export async function report(
  o: TwoSiteOrg,
  kind: "path_down" | "path_up" | "sla_violation" | "sla_ok" | "failover",
  pathIds: string[],
  devices = [o.boxA, o.boxB],
  extra: { unit?: string; unitName?: string } = {},
) {
  await asOrg(o.orgId, (tx) =>
    tx.pathEvent.createMany({
      data: devices.flatMap((d) =>
        pathIds.map((p) => {
          clock += 1000;
          return {
            orgId: o.orgId,
            siteId: d.siteId,
            deviceId: d.id,
            eventId: randomBytes(8).toString("hex"),
            at: new Date(clock),
            kind,
            unit: extra.unit ?? `path:${p}`,
            unitName: extra.unitName ?? `path ${p.slice(0, 6)}`,
            remoteSiteId: d.siteId === o.hq ? o.branch : o.hq,
            fromPath: p,
            toPath: p,
            reason: kind === "path_down" ? "3 probes lost" : "probes answered",
          };
        }),
      ),
    }),
  );
}

export const evaluate = (o: { orgId: string }) => evaluateOrg(getDb(), o.orgId);

export const incidentsOf = (o: { orgId: string }) =>
  asOrg(o.orgId, (tx) =>
    tx.incident.findMany({
      where: { orgId: o.orgId },
      orderBy: { number: "asc" },
      include: { conditions: true, events: true },
    }),
  );
