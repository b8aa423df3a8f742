// User groups: users by source prefix, for steering policies. Deleting a group deletes
// the policies that name it (the schema's cascade): they would otherwise match everyone.

import type { Actor } from "../../../platform/audit/write-audit";
import type { Tx, UserGroup } from "../../../platform/db/client";
import { intentRows } from "../../../platform/features/intent-rows";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import type { UserGroupInput } from "../schemas";
import { cascadeReason, deletePoliciesNaming } from "./policies";

const groups = intentRows({
  model: (tx) => tx.userGroup,
  noun: "a user group",
  audit: "overlay.group",
  targetType: "user_group",
});

const groupView = (g: UserGroup) => ({ id: g.id, name: g.name, prefixes: g.prefixes });

export async function listUserGroups(tx: Tx, orgId: string) {
  const [rows, counts] = await Promise.all([
    tx.userGroup.findMany({ where: { orgId }, orderBy: [{ name: "asc" }, { id: "asc" }] }),
    tx.steeringPolicy.groupBy({ by: ["userGroupId"], where: { orgId }, _count: { _all: true } }),
  ]);
  const policies = (id: string) => counts.find((c) => c.userGroupId === id)?._count._all ?? 0;
  return rows.map((g) => ({ ...groupView(g), policies: policies(g.id) }));
}

export async function getUserGroup(tx: Tx, orgId: string, userGroupId: string) {
  const row = await groups.find(tx, orgId, userGroupId);
  const policies = await tx.steeringPolicy.count({ where: { orgId, userGroupId } });
  return { ...groupView(row), policies };
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
  await groups.assertNameFree(tx, tenant.orgId, input.name);
  const data = toRow(input);
  const row = await tx.userGroup.create({ data: { orgId: tenant.orgId, ...data } });
  const revision = await groups.record(tx, actor, tenant.orgId, "create", {
    id: row.id,
    after: data,
    reason: `user group ${row.name} added`,
  });
  return { id: row.id, revision };
}

export async function updateUserGroup(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  groupId: string,
  input: UserGroupInput,
) {
  const before = await groups.find(tx, tenant.orgId, groupId);
  await groups.assertNameFree(tx, tenant.orgId, input.name, groupId);
  const data = toRow(input);
  await tx.userGroup.update({ where: { id: groupId, orgId: tenant.orgId }, data });
  const revision = await groups.record(tx, actor, tenant.orgId, "update", {
    id: groupId,
    before: groupView(before),
    after: data,
    reason: `user group ${input.name} changed`,
  });
  return { id: groupId, revision };
}

export async function deleteUserGroup(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  groupId: string,
) {
  const before = await groups.find(tx, tenant.orgId, groupId);
  const policies = await deletePoliciesNaming(tx, { orgId: tenant.orgId, userGroupId: groupId });
  await tx.userGroup.delete({ where: { id: groupId, orgId: tenant.orgId } });
  const revision = await groups.record(tx, actor, tenant.orgId, "delete", {
    id: groupId,
    before: { ...groupView(before), policiesDeleted: policies },
    reason: cascadeReason(`user group ${before.name}`, policies),
  });
  return { revision, policiesDeleted: policies.length };
}
