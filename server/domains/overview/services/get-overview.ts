// The org overview (docs/overview.md): every tile's figures in one call, each tile a few
// aggregate statements over the org (never one query per site). Plan usage and recent
// changes are left out (null) for callers whose role may not see billing or the audit log.
import type { Tx } from "../../../platform/db/client";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import { planUsage } from "../../billing";
import { activeIncidents, deviceCounts } from "./fleet-counts";
import { recentChanges } from "./recent-changes";
import { countStates, fleetHealth } from "./site-health";
import { type OverviewWindow, throughput } from "./throughput";
import { topApplications } from "./top-applications";

export interface OverviewAccess {
  billing: boolean;
  audit: boolean;
}

export async function getOverview(
  tx: Tx,
  tenant: TenantContext,
  window: OverviewWindow,
  access: OverviewAccess,
) {
  const orgId = tenant.orgId;
  // One transaction, one connection: the statements run in turn.
  const health = await fleetHealth(tx, orgId);
  const devices = await deviceCounts(tx, orgId);
  const incidents = await activeIncidents(tx, orgId);
  const traffic = await throughput(tx, orgId, window);
  const applications = await topApplications(tx, orgId, window);
  const plan = access.billing ? await planUsage(tx, orgId) : null;
  const changes = access.audit ? await recentChanges(tx, orgId) : null;
  return {
    generatedAt: new Date(),
    sites: { total: health.sites.length, ...countStates(health.sites) },
    // The sites that need a look, worst first (the tile's short list).
    attention: health.sites
      .filter((s) => s.state === "down" || s.state === "degraded")
      .sort((a, b) => (a.state === b.state ? 0 : a.state === "down" ? -1 : 1))
      .slice(0, 5),
    devices,
    incidents,
    paths: health.paths,
    throughput: traffic,
    applications,
    plan,
    recentChanges: changes,
  };
}
