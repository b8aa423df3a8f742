// User groups: users by source prefix, for steering policies. Deleting a group deletes
// the policies that name it (the schema's cascade): they would otherwise match everyone.
import type { Tx, UserGroup } from "../../db/client";
import { AppError, notFound } from "../../errors";
import { type Actor, writeAudit } from "../../services/audit/write-audit";
import type { TenantContext } from "../../tenancy/resolve-membership";
import type { UserGroupInput } from "../intent/overlay-schemas";
import { bumpRevision } from "../intent/revision";
import { cascadeReason } from "./overlay-policies";

const groupView = (g: UserGroup) => ({ id: g.id, name: g.name, prefixes: g.prefixes });

export async function listUserGroups(tx: Tx, orgId: string) {
  const [rows, counts] = await Promise.all([
    tx.userGroup.findMany({ where: { orgId }, orderBy: [{ name: "asc" }, { id: "asc" }] }),
    tx.steeringPolicy.groupBy({ by: ["userGroupId"], where: { orgId }, _count: { _all: true } }),
  ]);
  const policies = (id: string) => counts.find((c) => c.userGroupId === id)?._count._all ?? 0;
  return rows.map((g) => ({ ...groupView(g), policies: policies(g.id) }));
}

async function requireGroup(tx: Tx, orgId: string, groupId: string) {
  const row = await tx.userGroup.findUnique({ where: { id: groupId, orgId } });
  if (!row) throw notFound("User group");
  return row;
}

async function assertNameFree(tx: Tx, orgId: string, name: string, except?: string) {
  const clash = await tx.userGroup.findFirst({
    where: { orgId, name, ...(except ? { id: { not: except } } : {}) },
    select: { id: true },
  });
  if (clash)
    throw new AppError("CONFLICT", `There is already a user group named ${name}`, {
      name: "already used by another user group",
    });
}

const toRow = (input: UserGroupInput) => ({
  name: input.name,
  prefixes: [...new Set(input.prefixes)],
});

export async function createUserGroup(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: UserGroupInput,
) {
  await assertNameFree(tx, tenant.orgId, input.name);
  const data = toRow(input);
  const row = await tx.userGroup.create({ data: { orgId: tenant.orgId, ...data } });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "overlay.group.create",
    targetType: "user_group",
    targetId: row.id,
    after: data,
  });
  const revision = await bumpRevision(tx, tenant.orgId, actor, `user group ${row.name} added`);
  return { id: row.id, revision };
}

export async function updateUserGroup(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  groupId: string,
  input: UserGroupInput,
) {
  const before = await requireGroup(tx, tenant.orgId, groupId);
  await assertNameFree(tx, tenant.orgId, input.name, groupId);
  const data = toRow(input);
  await tx.userGroup.update({ where: { id: groupId, orgId: tenant.orgId }, data });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "overlay.group.update",
    targetType: "user_group",
    targetId: groupId,
    before: groupView(before),
    after: data,
  });
  const revision = await bumpRevision(tx, tenant.orgId, actor, `user group ${input.name} changed`);
  return { id: groupId, revision };
}

export async function deleteUserGroup(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  groupId: string,
) {
  const before = await requireGroup(tx, tenant.orgId, groupId);
  const where = { orgId: tenant.orgId, userGroupId: groupId };
  const policies = await tx.steeringPolicy.findMany({
    where,
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
  await tx.steeringPolicy.deleteMany({ where });
  await tx.userGroup.delete({ where: { id: groupId, orgId: tenant.orgId } });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "overlay.group.delete",
    targetType: "user_group",
    targetId: groupId,
    before: { ...groupView(before), policiesDeleted: policies },
  });
  const revision = await bumpRevision(
    tx,
    tenant.orgId,
    actor,
    cascadeReason(`user group ${before.name}`, policies),
  );
  return { revision, policiesDeleted: policies.length };
}
