// What an embed token shows, with no session: the org's read-only dashboard. Every read is
// scoped to the org the signature names, in a transaction whose row-level security is set
// to that org alone.
import { getDb, type Tx } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import { getEmbedSettings } from "./settings";
import { readEmbedToken } from "./token";

export interface EmbedOverview {
  orgName: string;
  sites: { total: number; up: number; down: number; empty: number };
  devices: { online: number; offline: number };
  updatedAt: Date;
}

async function overview(tx: Tx, orgId: string, orgName: string): Promise<EmbedOverview> {
  const [sites, devices] = await Promise.all([
    tx.site.findMany({ where: { orgId }, select: { id: true } }),
    tx.device.groupBy({
      by: ["siteId", "online"],
      where: { orgId, status: "active" },
      _count: { _all: true },
    }),
  ]);
  const count = (siteId: string, online: boolean) =>
    devices.find((d) => d.siteId === siteId && d.online === online)?._count._all ?? 0;
  const summary = { total: sites.length, up: 0, down: 0, empty: 0 };
  for (const s of sites) {
    if (count(s.id, true)) summary.up++;
    else if (count(s.id, false)) summary.down++;
    else summary.empty++;
  }
  const sum = (online: boolean) =>
    devices.filter((d) => d.online === online).reduce((n, d) => n + d._count._all, 0);
  return {
    orgName,
    sites: summary,
    devices: { online: sum(true), offline: sum(false) },
    updatedAt: new Date(),
  };
}

/** The org a valid token frames, its origins and dashboard, or why the token is refused. */
export async function embedView(
  token: string,
  scope: "overview",
): Promise<{ orgId: string; origins: string[]; overview: EmbedOverview } | { problem: string }> {
  const read = readEmbedToken(token);
  if (read.problem !== undefined) return { problem: read.problem };
  const { claims } = read;
  if (claims.scope !== scope) return { problem: "This embed link is for another view" };
  return withScope(getDb(), { orgId: claims.orgId }, async (tx) => {
    const org = await tx.organization.findUnique({
      where: { id: claims.orgId },
      select: { name: true },
    });
    const settings = await getEmbedSettings(tx, claims.orgId);
    if (!org || settings.keyVersion !== claims.keyVersion)
      return { problem: "This embed link was revoked (its key was rotated)" };
    return {
      orgId: claims.orgId,
      origins: settings.origins,
      overview: await overview(tx, claims.orgId, org.name),
    };
  });
}

/** The frame-ancestors list for an embed page: the org's origins, or 'none'. */
export async function embedFrameAncestors(token: string): Promise<string> {
  const read = readEmbedToken(token);
  if (read.problem !== undefined) return "'none'";
  const settings = await withScope(getDb(), { orgId: read.claims.orgId }, (tx) =>
    getEmbedSettings(tx, read.claims.orgId),
  );
  if (settings.keyVersion !== read.claims.keyVersion || !settings.origins.length) return "'none'";
  return settings.origins.join(" ");
}
