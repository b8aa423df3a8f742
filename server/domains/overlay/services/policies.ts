// Steering policies: application class and/or sources → preferred paths, SLA, and what
// to do when no path meets it. Every id a policy names must be the org's own.

import type { Actor } from "../../../platform/audit/write-audit";
import type { Prisma, SteeringPolicy, Tx } from "../../../platform/db/client";
import { AppError } from "../../../platform/errors";
import { intentRows } from "../../../platform/features/intent-rows";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import { type OverlayIntent, ZOverlayIntent } from "../intent-schema";
import type { SteeringPolicyInput } from "../schemas";

type PolicyRow = OverlayIntent["policies"][number];

const steeringPolicies = intentRows({
  model: (tx) => tx.steeringPolicy,
  noun: "a steering policy",
  audit: "overlay.policy",
  targetType: "steering_policy",
});

export const policyView = (p: SteeringPolicy): PolicyRow =>
  ZOverlayIntent.shape.policies.element.parse({
    id: p.id,
    name: p.name,
    priority: p.priority,
    siteId: p.siteId,
    appClassId: p.appClassId,
    userGroupId: p.userGroupId,
    srcPrefixes: p.srcPrefixes,
    preferred: p.preferred,
    slaClassId: p.slaClassId,
    onViolation: p.onViolation,
    enabled: p.enabled,
  });

/** The revision reason of a delete that took policies with it. */
export function cascadeReason(what: string, policies: { name: string }[]) {
  if (policies.length === 0) return `${what} removed`;
  const names = policies.slice(0, 5).map((p) => p.name);
  const more = policies.length > 5 ? `, and ${policies.length - 5} more` : "";
  return `${what} removed with its ${policies.length} steering policy(ies): ${names.join(", ")}${more}`;
}

/**
 * Deletes the policies that name an application class or user group being deleted (the
 * schema cascades too; deleting them here makes the count what actually went). Returns
 * them, by name, for the audit entry and cascadeReason.
 */
export async function deletePoliciesNaming(
  tx: Tx,
  where: { orgId: string; appClassId: string } | { orgId: string; userGroupId: string },
) {
  const named = await tx.steeringPolicy.findMany({
    where,
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
  await tx.steeringPolicy.deleteMany({ where });
  return named;
}

export async function listPolicies(tx: Tx, orgId: string) {
  const rows = await tx.steeringPolicy.findMany({
    where: { orgId },
    orderBy: [{ priority: "asc" }, { id: "asc" }],
  });
  return rows.map(policyView);
}

export const getPolicy = async (tx: Tx, orgId: string, steeringPolicyId: string) =>
  policyView(await steeringPolicies.find(tx, orgId, steeringPolicyId));

const missing = (what: string, field: string) =>
  new AppError("NOT_FOUND", `${what} not found`, { [field]: "not found in this organization" });

/** Every reference must exist in the org; another org's id is as unknown as a made-up one. */
async function assertReferences(
  tx: Tx,
  orgId: string,
  input: SteeringPolicyInput,
  except?: string,
) {
  await steeringPolicies.assertNameFree(tx, orgId, input.name, except);
  const one = { orgId };
  if (
    input.appClassId &&
    !(await tx.appClass.findUnique({ where: { ...one, id: input.appClassId } }))
  )
    throw missing("Application class", "appClassId");
  if (
    input.userGroupId &&
    !(await tx.userGroup.findUnique({ where: { ...one, id: input.userGroupId } }))
  )
    throw missing("User group", "userGroupId");
  if (
    input.slaClassId &&
    !(await tx.slaClass.findUnique({ where: { ...one, id: input.slaClassId } }))
  )
    throw missing("SLA class", "slaClassId");

  const siteIds = [...new Set([input.siteId, ...input.preferred.map((p) => p.siteId)])].filter(
    (s): s is string => !!s,
  );
  const sites = await tx.site.findMany({
    where: { orgId, id: { in: siteIds } },
    select: { id: true, name: true, wanLinks: { select: { name: true } } },
  });
  const site = (id: string) => sites.find((s) => s.id === id);
  if (input.siteId && !site(input.siteId)) throw missing("Site", "siteId");
  for (const p of input.preferred) {
    const remote = site(p.siteId);
    if (!remote) throw missing("Preferred site", "preferred");
    if (p.siteId === input.siteId)
      throw new AppError("BAD_REQUEST", "A site cannot prefer a path to itself", {
        preferred: "must name another site",
      });
    if (p.remoteLink && !remote.wanLinks.some((l) => l.name === p.remoteLink))
      throw missing(`Link ${p.remoteLink} of ${remote.name}`, "preferred");
    if (p.localLink) {
      // A policy for every site names the local link by name: some site must have it.
      const local = input.siteId
        ? site(input.siteId)?.wanLinks.some((l) => l.name === p.localLink)
        : await tx.wanLink.findFirst({ where: { orgId, name: p.localLink }, select: { id: true } });
      if (!local) throw missing(`Local link ${p.localLink}`, "preferred");
    }
  }
}

const toRow = (input: SteeringPolicyInput) => ({
  ...input,
  srcPrefixes: [...new Set(input.srcPrefixes)],
  preferred: input.preferred as Prisma.InputJsonValue,
});

export async function createPolicy(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: SteeringPolicyInput,
) {
  await assertReferences(tx, tenant.orgId, input);
  const row = await tx.steeringPolicy.create({ data: { orgId: tenant.orgId, ...toRow(input) } });
  const revision = await steeringPolicies.record(tx, actor, tenant.orgId, "create", {
    id: row.id,
    after: toRow(input),
    reason: `steering policy ${row.name} added`,
  });
  return { id: row.id, revision };
}

export async function updatePolicy(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  policyId: string,
  input: SteeringPolicyInput,
) {
  const before = await steeringPolicies.find(tx, tenant.orgId, policyId);
  await assertReferences(tx, tenant.orgId, input, policyId);
  await tx.steeringPolicy.update({
    where: { id: policyId, orgId: tenant.orgId },
    data: toRow(input),
  });
  const revision = await steeringPolicies.record(tx, actor, tenant.orgId, "update", {
    id: policyId,
    before: policyView(before),
    after: toRow(input),
    reason: `steering policy ${input.name} changed`,
  });
  return { id: policyId, revision };
}

export async function deletePolicy(tx: Tx, actor: Actor, tenant: TenantContext, policyId: string) {
  const before = await steeringPolicies.find(tx, tenant.orgId, policyId);
  await tx.steeringPolicy.delete({ where: { id: policyId, orgId: tenant.orgId } });
  const revision = await steeringPolicies.record(tx, actor, tenant.orgId, "delete", {
    id: policyId,
    before: policyView(before),
    reason: `steering policy ${before.name} removed`,
  });
  return { revision };
}
