// The sites domain's intent sections: sites (settings of each site's box), port forwards
// and load-balanced services. Rows naming a site that no longer exists are dropped on
// rollback; sites themselves are kept (a rollback never deletes a site or its devices).
import type { Prisma } from "../../platform/db/client";
import type { IntentSection } from "../../platform/features/contract";
import { ZPortForwardsIntent, ZServicesIntent, ZSitesIntent } from "./schemas";

const live = <T extends { siteId: string }>(rows: T[], sites: ReadonlySet<string>) =>
  rows.filter((x) => sites.has(x.siteId));

export const sitesSection = {
  key: "sites",
  schema: ZSitesIntent,
  async load(tx, orgId) {
    const sites = await tx.site.findMany({ where: { orgId }, orderBy: { id: "asc" } });
    return sites.map((s) => ({
      id: s.id,
      name: s.name,
      settings: s.settings,
      role: s.role,
      prefixes: s.prefixes,
    }));
  },
  async restore(tx, orgId, { value, liveSites }) {
    for (const s of value) {
      if (!liveSites.has(s.id)) continue;
      await tx.site.update({
        where: { id: s.id, orgId },
        data: { settings: s.settings as Prisma.InputJsonValue },
      });
    }
  },
} satisfies IntentSection<"sites", typeof ZSitesIntent>;

export const portForwardsSection = {
  key: "portForwards",
  schema: ZPortForwardsIntent,
  async load(tx, orgId) {
    const rows = await tx.portForward.findMany({ where: { orgId }, orderBy: { id: "asc" } });
    return rows.map(({ orgId: _o, createdAt: _c, ...f }) => f);
  },
  async restore(tx, orgId, { value, liveSites }) {
    await tx.portForward.deleteMany({ where: { orgId } });
    await tx.portForward.createMany({ data: live(value, liveSites).map((f) => ({ ...f, orgId })) });
  },
} satisfies IntentSection<"portForwards", typeof ZPortForwardsIntent>;

export const servicesSection = {
  key: "services",
  schema: ZServicesIntent,
  async load(tx, orgId) {
    const rows = await tx.lbService.findMany({ where: { orgId }, orderBy: { id: "asc" } });
    return rows.map(({ orgId: _o, createdAt: _c, ...s }) => s);
  },
  async restore(tx, orgId, { value, liveSites }) {
    await tx.lbService.deleteMany({ where: { orgId } });
    await tx.lbService.createMany({
      data: live(value, liveSites).map((s) => ({
        ...s,
        orgId,
        backends: s.backends as Prisma.InputJsonValue,
      })),
    });
  },
} satisfies IntentSection<"services", typeof ZServicesIntent>;
