import type { Tx } from "../../../platform/db/client";
import { EMPTY_OVERLAY_INTENT, type Intent, ZIntent } from "./schemas";

/** Reads the org's current intent from its tables, in a stable order. */
export async function loadIntent(tx: Tx, orgId: string): Promise<Intent> {
  const [sites, rules, portForwards, services, overlay] = await Promise.all([
    tx.site.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
    tx.policyRule.findMany({ where: { orgId }, orderBy: [{ priority: "asc" }, { id: "asc" }] }),
    tx.portForward.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
    tx.lbService.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
    loadOverlayIntent(tx, orgId),
  ]);
  return ZIntent.parse({
    sites: sites.map((s) => ({
      id: s.id,
      name: s.name,
      settings: s.settings,
      role: s.role,
      prefixes: s.prefixes,
    })),
    rules: rules.map(({ orgId: _o, createdAt: _c, updatedAt: _u, ...r }) => r),
    portForwards: portForwards.map(({ orgId: _o, createdAt: _c, ...f }) => f),
    services: services.map(({ orgId: _o, createdAt: _c, ...s }) => s),
    overlay,
  });
}

/** The overlay tables as rows (ZOverlayIntent): what the compiler and a rollback need. */
async function loadOverlayIntent(tx: Tx, orgId: string) {
  const where = { orgId };
  const [settings, links, slaClasses, appClasses, userGroups, policies, segments] =
    await Promise.all([
      tx.overlaySettings.findUnique({ where }),
      tx.wanLink.findMany({ where, orderBy: { id: "asc" } }),
      tx.slaClass.findMany({ where, orderBy: { id: "asc" } }),
      tx.appClass.findMany({ where, orderBy: [{ number: "asc" }, { id: "asc" }] }),
      tx.userGroup.findMany({ where, orderBy: { id: "asc" } }),
      tx.steeringPolicy.findMany({ where, orderBy: [{ priority: "asc" }, { id: "asc" }] }),
      tx.l2Segment.findMany({ where, orderBy: [{ vni: "asc" }, { id: "asc" }] }),
    ]);
  const strip = <T extends { orgId: string; createdAt: Date; updatedAt: Date }>({
    orgId: _o,
    createdAt: _c,
    updatedAt: _u,
    ...row
  }: T) => row;
  return {
    settings: settings
      ? {
          topology: settings.topology,
          sitePairs: settings.sitePairs,
          probeIntervalMs: settings.probeIntervalMs,
          holdDownSeconds: settings.holdDownSeconds,
        }
      : EMPTY_OVERLAY_INTENT.settings,
    links: links.map(strip),
    slaClasses: slaClasses.map(strip),
    appClasses: appClasses.map(strip),
    userGroups: userGroups.map(strip),
    policies: policies.map(strip),
    segments: segments.map(strip),
  };
}
