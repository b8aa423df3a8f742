// SLA classes: the latency / jitter / loss bounds application classes and steering
// policies ask of a path. Deleting one in use leaves its users without an SLA (SetNull).

import type { Actor } from "../../../platform/audit/write-audit";
import type { SlaClass, Tx } from "../../../platform/db/client";
import { intentRows } from "../../../platform/features/intent-rows";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import type { SlaClassInput } from "../schemas";

const slas = intentRows({
  model: (tx) => tx.slaClass,
  noun: "an SLA class",
  audit: "overlay.sla",
  targetType: "sla_class",
});

export const slaView = (s: SlaClass) => ({
  id: s.id,
  name: s.name,
  maxLatencyMs: s.maxLatencyMs,
  maxJitterMs: s.maxJitterMs,
  maxLossPct: s.maxLossPct,
});

export async function listSlaClasses(tx: Tx, orgId: string) {
  const [rows, apps, policies] = await Promise.all([
    tx.slaClass.findMany({ where: { orgId }, orderBy: [{ name: "asc" }, { id: "asc" }] }),
    tx.appClass.groupBy({ by: ["slaClassId"], where: { orgId }, _count: { _all: true } }),
    tx.steeringPolicy.groupBy({ by: ["slaClassId"], where: { orgId }, _count: { _all: true } }),
  ]);
  const uses = (id: string) =>
    [...apps, ...policies]
      .filter((g) => g.slaClassId === id)
      .reduce((n, g) => n + g._count._all, 0);
  return rows.map((s) => ({ ...slaView(s), inUse: uses(s.id) }));
}

export async function getSlaClass(tx: Tx, orgId: string, slaClassId: string) {
  const row = await slas.find(tx, orgId, slaClassId);
  const where = { orgId, slaClassId };
  const [apps, policies] = await Promise.all([
    tx.appClass.count({ where }),
    tx.steeringPolicy.count({ where }),
  ]);
  return { ...slaView(row), inUse: apps + policies };
}

export const requireSlaClass = (tx: Tx, orgId: string, slaId: string) =>
  slas.find(tx, orgId, slaId);

export async function createSlaClass(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: SlaClassInput,
) {
  await slas.assertNameFree(tx, tenant.orgId, input.name);
  const row = await tx.slaClass.create({ data: { orgId: tenant.orgId, ...input } });
  const revision = await slas.record(tx, actor, tenant.orgId, "create", {
    id: row.id,
    after: input,
    reason: `SLA class ${row.name} added`,
  });
  return { id: row.id, revision };
}

export async function updateSlaClass(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  slaId: string,
  input: SlaClassInput,
) {
  const before = await slas.find(tx, tenant.orgId, slaId);
  await slas.assertNameFree(tx, tenant.orgId, input.name, slaId);
  await tx.slaClass.update({ where: { id: slaId, orgId: tenant.orgId }, data: input });
  const revision = await slas.record(tx, actor, tenant.orgId, "update", {
    id: slaId,
    before: slaView(before),
    after: input,
    reason: `SLA class ${input.name} changed`,
  });
  return { id: slaId, revision };
}

export async function deleteSlaClass(tx: Tx, actor: Actor, tenant: TenantContext, slaId: string) {
  const before = await slas.find(tx, tenant.orgId, slaId);
  const where = { orgId: tenant.orgId, slaClassId: slaId };
  const [apps, policies] = await Promise.all([
    tx.appClass.count({ where }),
    tx.steeringPolicy.count({ where }),
  ]);
  await tx.slaClass.delete({ where: { id: slaId, orgId: tenant.orgId } });
  const revision = await slas.record(tx, actor, tenant.orgId, "delete", {
    id: slaId,
    // Its users keep working without an SLA (the schema's SetNull); say how many.
    before: { ...slaView(before), appClassesUnlinked: apps, policiesUnlinked: policies },
    reason:
      apps + policies > 0
        ? `SLA class ${before.name} removed (${apps} app class(es) and ${policies} policy(ies) now have no SLA)`
        : `SLA class ${before.name} removed`,
  });
  return { revision };
}
