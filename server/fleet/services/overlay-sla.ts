// SLA classes: the latency / jitter / loss bounds application classes and steering
// policies ask of a path. Deleting one in use leaves its users without an SLA (SetNull).
import type { SlaClass, Tx } from "../../db/client";
import { AppError, notFound } from "../../errors";
import { type Actor, writeAudit } from "../../services/audit/write-audit";
import type { TenantContext } from "../../tenancy/resolve-membership";
import type { SlaClassInput } from "../intent/overlay-schemas";
import { bumpRevision } from "../intent/revision";

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

async function assertNameFree(tx: Tx, orgId: string, name: string, except?: string) {
  const clash = await tx.slaClass.findFirst({
    where: { orgId, name, ...(except ? { id: { not: except } } : {}) },
    select: { id: true },
  });
  if (clash)
    throw new AppError("CONFLICT", `There is already an SLA class named ${name}`, {
      name: "already used by another SLA class",
    });
}

export async function requireSlaClass(tx: Tx, orgId: string, slaId: string) {
  const row = await tx.slaClass.findUnique({ where: { id: slaId, orgId } });
  if (!row) throw notFound("SLA class");
  return row;
}

export async function createSlaClass(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: SlaClassInput,
) {
  await assertNameFree(tx, tenant.orgId, input.name);
  const row = await tx.slaClass.create({ data: { orgId: tenant.orgId, ...input } });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "overlay.sla.create",
    targetType: "sla_class",
    targetId: row.id,
    after: input,
  });
  const revision = await bumpRevision(tx, tenant.orgId, actor, `SLA class ${row.name} added`);
  return { id: row.id, revision };
}

export async function updateSlaClass(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  slaId: string,
  input: SlaClassInput,
) {
  const before = await requireSlaClass(tx, tenant.orgId, slaId);
  await assertNameFree(tx, tenant.orgId, input.name, slaId);
  await tx.slaClass.update({ where: { id: slaId, orgId: tenant.orgId }, data: input });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "overlay.sla.update",
    targetType: "sla_class",
    targetId: slaId,
    before: slaView(before),
    after: input,
  });
  const revision = await bumpRevision(tx, tenant.orgId, actor, `SLA class ${input.name} changed`);
  return { id: slaId, revision };
}

export async function deleteSlaClass(tx: Tx, actor: Actor, tenant: TenantContext, slaId: string) {
  const before = await requireSlaClass(tx, tenant.orgId, slaId);
  const where = { orgId: tenant.orgId, slaClassId: slaId };
  const [apps, policies] = await Promise.all([
    tx.appClass.count({ where }),
    tx.steeringPolicy.count({ where }),
  ]);
  await tx.slaClass.delete({ where: { id: slaId, orgId: tenant.orgId } });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "overlay.sla.delete",
    targetType: "sla_class",
    targetId: slaId,
    // Its users keep working without an SLA (the schema's SetNull); say how many.
    before: { ...slaView(before), appClassesUnlinked: apps, policiesUnlinked: policies },
  });
  const revision = await bumpRevision(
    tx,
    tenant.orgId,
    actor,
    apps + policies > 0
      ? `SLA class ${before.name} removed (${apps} app class(es) and ${policies} policy(ies) now have no SLA)`
      : `SLA class ${before.name} removed`,
  );
  return { revision };
}
