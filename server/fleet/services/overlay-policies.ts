// Steering policies: application class and/or sources → preferred paths, SLA, and what
// to do when no path meets it. Every id a policy names must be the org's own.
import type { Prisma, SteeringPolicy, Tx } from "../../db/client";
import { AppError, notFound } from "../../errors";
import { type Actor, writeAudit } from "../../services/audit/write-audit";
import type { TenantContext } from "../../tenancy/resolve-membership";
import type { SteeringPolicyInput } from "../intent/overlay-schemas";
import { bumpRevision } from "../intent/revision";
import { type OverlayIntent, ZOverlayIntent } from "../intent/schemas";

type PolicyRow = OverlayIntent["policies"][number];

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

export async function listPolicies(tx: Tx, orgId: string) {
  const rows = await tx.steeringPolicy.findMany({
    where: { orgId },
    orderBy: [{ priority: "asc" }, { id: "asc" }],
  });
  return rows.map(policyView);
}

const missing = (what: string, field: string) =>
  new AppError("NOT_FOUND", `${what} not found`, { [field]: "not found in this organization" });

/** Every reference must exist in the org; another org's id is as unknown as a made-up one. */
async function assertReferences(
  tx: Tx,
  orgId: string,
  input: SteeringPolicyInput,
  except?: string,
) {
  const clash = await tx.steeringPolicy.findFirst({
    where: { orgId, name: input.name, ...(except ? { id: { not: except } } : {}) },
    select: { id: true },
  });
  if (clash)
    throw new AppError("CONFLICT", `There is already a steering policy named ${input.name}`, {
      name: "already used by another steering policy",
    });
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
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "overlay.policy.create",
    targetType: "steering_policy",
    targetId: row.id,
    after: toRow(input),
  });
  const revision = await bumpRevision(tx, tenant.orgId, actor, `steering policy ${row.name} added`);
  return { id: row.id, revision };
}

async function requirePolicy(tx: Tx, orgId: string, policyId: string) {
  const row = await tx.steeringPolicy.findUnique({ where: { id: policyId, orgId } });
  if (!row) throw notFound("Steering policy");
  return row;
}

export async function updatePolicy(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  policyId: string,
  input: SteeringPolicyInput,
) {
  const before = await requirePolicy(tx, tenant.orgId, policyId);
  await assertReferences(tx, tenant.orgId, input, policyId);
  await tx.steeringPolicy.update({
    where: { id: policyId, orgId: tenant.orgId },
    data: toRow(input),
  });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "overlay.policy.update",
    targetType: "steering_policy",
    targetId: policyId,
    before: policyView(before),
    after: toRow(input),
  });
  const revision = await bumpRevision(
    tx,
    tenant.orgId,
    actor,
    `steering policy ${input.name} changed`,
  );
  return { id: policyId, revision };
}

export async function deletePolicy(tx: Tx, actor: Actor, tenant: TenantContext, policyId: string) {
  const before = await requirePolicy(tx, tenant.orgId, policyId);
  await tx.steeringPolicy.delete({ where: { id: policyId, orgId: tenant.orgId } });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "overlay.policy.delete",
    targetType: "steering_policy",
    targetId: policyId,
    before: policyView(before),
  });
  const revision = await bumpRevision(
    tx,
    tenant.orgId,
    actor,
    `steering policy ${before.name} removed`,
  );
  return { revision };
}
