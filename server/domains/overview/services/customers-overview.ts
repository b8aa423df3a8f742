// An MSP's customers at a glance (docs/overview.md "MSP overview"): each customer org's
// health (its worst site state), open incidents, sites up of total, devices, this period's
// data transfer and billing mode. Row-level security shows one org per statement, so each
// customer is read in its own scope (inOrg) with the same aggregate statements as its own
// overview; at the plan's customer limit (a few hundred) that stays a bounded number of
// short statements. Sorting and filtering happen here, in memory, over that bounded list.
import type { Tx } from "../../../platform/db/client";
import { inOrg } from "../../../platform/db/in-org";
import { AppError } from "../../../platform/errors";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import { customerFigures } from "../../billing";
import { openIncidents } from "./fleet-counts";
import { countStates, fleetHealth, type SiteState, worseState } from "./site-health";

export type CustomerHealth = SiteState | "empty";

export interface CustomerQuery {
  q?: string;
  health?: CustomerHealth;
  billingMode?: "direct" | "consolidated";
  sort: "name" | "health" | "incidents" | "sites" | "usage";
  order: "asc" | "desc";
}

const HEALTH_RANK: Record<CustomerHealth, number> = {
  empty: 0,
  pending: 1,
  up: 2,
  degraded: 3,
  down: 4,
};

export async function customersOverview(tx: Tx, tenant: TenantContext, query: CustomerQuery) {
  if (tenant.orgKind !== "msp")
    throw new AppError("BAD_REQUEST", "Only an MSP organization has customer organizations");
  const figures = await customerFigures(tx, tenant.orgId);
  const rows = [];
  for (const c of figures) {
    const row = await inOrg(tx, c.id, tenant.orgId, async () => {
      const health = await fleetHealth(tx, c.id);
      const incidents = await openIncidents(tx, c.id);
      const states = countStates(health.sites);
      const worst = health.sites.reduce<CustomerHealth>(
        (w, s) => (w === "empty" ? s.state : worseState(w, s.state)),
        "empty",
      );
      return {
        id: c.id,
        slug: c.slug,
        name: c.name,
        health: worst,
        incidents: incidents.open,
        sites: { up: states.up, total: health.sites.length },
        devices: c.devices,
        usageBytes: c.usageBytes,
        billingMode: c.mode,
      };
    });
    rows.push(row);
  }
  return { customers: sortRows(filterRows(rows, query), query), total: rows.length };
}

type Row = {
  name: string;
  health: CustomerHealth;
  incidents: number;
  sites: { total: number };
  usageBytes: number;
  billingMode: string;
};

function filterRows<R extends Row>(rows: R[], q: CustomerQuery) {
  const needle = q.q?.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (!needle || r.name.toLowerCase().includes(needle)) &&
      (!q.health || r.health === q.health) &&
      (!q.billingMode || r.billingMode === q.billingMode),
  );
}

const KEY: Record<CustomerQuery["sort"], (r: Row) => number | string> = {
  name: (r) => r.name.toLowerCase(),
  health: (r) => HEALTH_RANK[r.health],
  incidents: (r) => r.incidents,
  sites: (r) => r.sites.total,
  usage: (r) => r.usageBytes,
};

function sortRows<R extends Row>(rows: R[], q: CustomerQuery) {
  const key = KEY[q.sort];
  const dir = q.order === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x !== y) return (x < y ? -1 : 1) * dir;
    return a.name.localeCompare(b.name);
  });
}
