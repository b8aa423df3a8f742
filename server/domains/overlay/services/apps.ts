// Application classes: what the data plane classifies into one app id (by destination
// ports or prefixes), its DSCP and SLA. Deleting a class deletes the steering policies
// that steer it (the schema's cascade): a policy without its class would steer nothing.

import { type AppMatch, MAX_APP_PORTS } from "../../../../protocol";
import type { Actor } from "../../../platform/audit/write-audit";
import type { AppClass, Prisma, Tx } from "../../../platform/db/client";
import { AppError } from "../../../platform/errors";
import { intentRows, nameTaken, othersInOrg } from "../../../platform/features/intent-rows";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import { type OverlayIntent, ZOverlayIntent } from "../intent-schema";
import type { AppClassInput } from "../schemas";
import { cascadeReason, deletePoliciesNaming } from "./policies";
import { requireSlaClass } from "./sla";

type AppRow = OverlayIntent["appClasses"][number];
const MAX_APP_NUMBER = 250;

const apps = intentRows({
  model: (tx) => tx.appClass,
  noun: "an application class",
  audit: "overlay.app",
  targetType: "app_class",
});

export const appView = (a: AppClass): AppRow =>
  ZOverlayIntent.shape.appClasses.element.parse({
    id: a.id,
    name: a.name,
    kind: a.kind,
    number: a.number,
    dscp: a.dscp,
    match: a.match,
    slaClassId: a.slaClassId,
  });

export async function listAppClasses(tx: Tx, orgId: string) {
  const [rows, counts] = await Promise.all([
    tx.appClass.findMany({ where: { orgId }, orderBy: [{ number: "asc" }] }),
    tx.steeringPolicy.groupBy({ by: ["appClassId"], where: { orgId }, _count: { _all: true } }),
  ]);
  const policies = (id: string) => counts.find((c) => c.appClassId === id)?._count._all ?? 0;
  return rows.map((a) => ({ ...appView(a), policies: policies(a.id) }));
}

export async function getAppClass(tx: Tx, orgId: string, appClassId: string) {
  const row = await apps.find(tx, orgId, appClassId);
  const policies = await tx.steeringPolicy.count({ where: { orgId, appClassId } });
  return { ...appView(row), policies };
}

/** Names and numbers are unique per org; only one class may be the `default`. */
async function assertFree(tx: Tx, orgId: string, input: AppClassInput, except?: string) {
  const others = await tx.appClass.findMany({
    where: othersInOrg(orgId, except),
    select: { name: true, number: true, kind: true, match: true },
  });
  if (others.some((o) => o.name === input.name)) throw nameTaken(apps.noun, input.name);
  // A port or prefix belongs to one class: the data plane maps each to one app id.
  for (const o of others)
    for (const m of o.match as AppMatch[])
      for (const n of input.match) {
        const clash =
          "lo" in m && "lo" in n
            ? m.proto === n.proto && m.lo <= n.hi && n.lo <= m.hi
              ? `${n.proto} port ${Math.max(m.lo, n.lo)}`
              : null
            : "prefix" in m && "prefix" in n && m.prefix === n.prefix
              ? `prefix ${n.prefix}`
              : null;
        if (clash)
          throw new AppError("CONFLICT", `The ${clash} is already in application class ${o.name}`, {
            match: `overlaps ${o.name}`,
          });
      }
  const ports = [...others.map((o) => o.match as AppMatch[]), input.match]
    .flat()
    .reduce((n, m) => n + ("lo" in m ? m.hi - m.lo + 1 : 0), 0);
  if (ports > MAX_APP_PORTS)
    throw new AppError(
      "BAD_REQUEST",
      `The application classes would name ${ports} ports; a site's data plane holds at most ${MAX_APP_PORTS}. Use narrower port ranges or destination prefixes.`,
      { match: `at most ${MAX_APP_PORTS} ports across all classes` },
    );
  const taken = others.find((o) => o.number === input.number);
  if (taken)
    throw new AppError("CONFLICT", `Class number ${input.number} is used by ${taken.name}`, {
      number: "already used by another application class",
    });
  const otherDefault = others.find((o) => o.kind === "default");
  if (input.kind === "default" && otherDefault)
    throw new AppError("CONFLICT", `${otherDefault.name} is already the default class`, {
      kind: "only one class can be the default",
    });
  return new Set(others.map((o) => o.number));
}

function lowestFree(used: Set<number>) {
  for (let n = 1; n <= MAX_APP_NUMBER; n++) if (!used.has(n)) return n;
  throw new AppError("CONFLICT", `All ${MAX_APP_NUMBER} application class numbers are in use`);
}

const toRow = (input: AppClassInput, number: number) => ({
  name: input.name,
  kind: input.kind,
  number,
  dscp: input.dscp,
  match: input.match as Prisma.InputJsonValue,
  slaClassId: input.slaClassId,
});

export async function createAppClass(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: AppClassInput,
) {
  if (input.slaClassId) await requireSlaClass(tx, tenant.orgId, input.slaClassId);
  const used = await assertFree(tx, tenant.orgId, input);
  const data = toRow(input, input.number ?? lowestFree(used));
  const row = await tx.appClass.create({ data: { orgId: tenant.orgId, ...data } });
  const revision = await apps.record(tx, actor, tenant.orgId, "create", {
    id: row.id,
    after: data,
    reason: `application class ${row.name} added`,
  });
  return { id: row.id, revision };
}

export async function updateAppClass(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  appId: string,
  input: AppClassInput,
) {
  const before = await apps.find(tx, tenant.orgId, appId);
  if (input.slaClassId) await requireSlaClass(tx, tenant.orgId, input.slaClassId);
  await assertFree(tx, tenant.orgId, input, appId);
  // An omitted number keeps the class's own: renumbering would move its marks and tables.
  const data = toRow(input, input.number ?? before.number);
  await tx.appClass.update({ where: { id: appId, orgId: tenant.orgId }, data });
  const revision = await apps.record(tx, actor, tenant.orgId, "update", {
    id: appId,
    before: appView(before),
    after: data,
    reason: `application class ${input.name} changed`,
  });
  return { id: appId, revision };
}

export async function deleteAppClass(tx: Tx, actor: Actor, tenant: TenantContext, appId: string) {
  const before = await apps.find(tx, tenant.orgId, appId);
  const policies = await deletePoliciesNaming(tx, { orgId: tenant.orgId, appClassId: appId });
  await tx.appClass.delete({ where: { id: appId, orgId: tenant.orgId } });
  const revision = await apps.record(tx, actor, tenant.orgId, "delete", {
    id: appId,
    before: { ...appView(before), policiesDeleted: policies },
    reason: cascadeReason(`application class ${before.name}`, policies),
  });
  return { revision, policiesDeleted: policies.length };
}
