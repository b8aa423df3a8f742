import type { Tx } from "../../db/client";
import { type Intent, ZIntent } from "./schemas";

/** Reads the org's current intent from its tables, in a stable order. */
export async function loadIntent(tx: Tx, orgId: string): Promise<Intent> {
  const [sites, rules, portForwards, services] = await Promise.all([
    tx.site.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
    tx.policyRule.findMany({ where: { orgId }, orderBy: [{ priority: "asc" }, { id: "asc" }] }),
    tx.portForward.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
    tx.lbService.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
  ]);
  return ZIntent.parse({
    sites: sites.map((s) => ({ id: s.id, name: s.name, settings: s.settings })),
    rules: rules.map(({ orgId: _o, createdAt: _c, updatedAt: _u, ...r }) => r),
    portForwards: portForwards.map(({ orgId: _o, createdAt: _c, ...f }) => f),
    services: services.map(({ orgId: _o, createdAt: _c, ...s }) => s),
  });
}
