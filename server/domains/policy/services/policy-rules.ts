// Micro-segmentation rules. Each change is intent: one transaction writes it, bumps the
// org's revision and (after commit) queues the compile that rolls it out.

import { MAX_SITE_RULES } from "../../../../protocol";
import type { Actor } from "../../../platform/audit/write-audit";
import type { PolicyRule, Tx } from "../../../platform/db/client";
import { AppError } from "../../../platform/errors";
import { intentRows } from "../../../platform/features/intent-rows";
import { keysetArgs, type PageQuery, pageOf } from "../../../platform/pagination";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import { READ_ONLY_OK } from "../../fleet";
import { requireSite } from "../../sites";
import type { RuleInput } from "../schemas";

const rules = intentRows({
  model: (tx) => tx.policyRule,
  noun: "a rule",
  audit: "policy.rule",
  targetType: "policy_rule",
});

const toRow = (r: RuleInput) => ({
  siteId: r.siteId,
  priority: r.priority,
  action: r.action,
  src: r.src,
  dst: r.dst,
  proto: r.proto,
  portLo: r.ports?.lo ?? null,
  portHi: r.ports?.hi ?? null,
  description: r.description,
});

/** A stored rule in toRow's shape: an update's audit entry compares like with like. */
const rowOf = (r: PolicyRule) => ({
  siteId: r.siteId,
  priority: r.priority,
  action: r.action,
  src: r.src,
  dst: r.dst,
  proto: r.proto,
  portLo: r.portLo,
  portHi: r.portHi,
  description: r.description,
});

/** What the audit log keeps of a rule a change replaced. */
const summary = (r: { action: string; src: string; dst: string; proto: string }) => ({
  action: r.action,
  src: r.src,
  dst: r.dst,
  proto: r.proto,
});

const ruleView = (r: PolicyRule) => ({
  id: r.id,
  siteId: r.siteId,
  priority: r.priority,
  action: r.action as "allow" | "deny",
  src: r.src,
  dst: r.dst,
  proto: r.proto as "tcp" | "udp" | "icmp" | "any",
  ports: r.portLo !== null && r.portHi !== null ? { lo: r.portLo, hi: r.portHi } : null,
  description: r.description,
});

export interface RuleFilter {
  /** The rules of one site (its own, not the global ones); null: the global rules only. */
  siteId?: string | null;
  q?: string;
  action?: "allow" | "deny";
}

const containing = (q: string) => ({ contains: q, mode: "insensitive" as const });

/** One page of the org's rules. */
export async function listRules(tx: Tx, orgId: string, query: PageQuery & RuleFilter) {
  const { where: past, ...args } = keysetArgs(query);
  const { q } = query;
  const matching = {
    orgId,
    ...(query.siteId !== undefined ? { siteId: query.siteId } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(q
      ? {
          OR: [{ description: containing(q) }, { src: containing(q) }, { dst: containing(q) }],
        }
      : {}),
  };
  const rows = await tx.policyRule.findMany({
    // The cursor's condition, after the filters: an AND of both (each may hold an OR).
    where: { ...matching, ...(past ? { AND: [past] } : {}) },
    ...args,
  });
  return pageOf(rows, query, ruleView, await tx.policyRule.count({ where: matching }));
}

export const getRule = async (tx: Tx, orgId: string, ruleId: string) =>
  ruleView(await rules.find(tx, orgId, ruleId));

async function assertFits(tx: Tx, orgId: string, siteId: string | null, adding: number) {
  const global = await tx.policyRule.count({ where: { orgId, siteId: null } });
  const perSite = await tx.policyRule.groupBy({
    by: ["siteId"],
    where: { orgId, siteId: siteId ?? { not: null } },
    _count: { _all: true },
  });
  const most = Math.max(0, ...perSite.map((s) => s._count._all));
  if (global + most + adding > MAX_SITE_RULES)
    throw new AppError(
      "BAD_REQUEST",
      `A site can enforce at most ${MAX_SITE_RULES} rules (global rules included)`,
    );
}

export async function createRule(tx: Tx, actor: Actor, tenant: TenantContext, input: RuleInput) {
  if (input.siteId) await requireSite(tx, tenant.orgId, input.siteId);
  await assertFits(tx, tenant.orgId, input.siteId, 1);
  const rule = await tx.policyRule.create({ data: { orgId: tenant.orgId, ...toRow(input) } });
  const revision = await rules.record(tx, actor, tenant.orgId, "create", {
    id: rule.id,
    after: toRow(input),
    reason: "policy rule added",
  });
  return { id: rule.id, revision };
}

export async function updateRule(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  ruleId: string,
  input: RuleInput,
) {
  const before = await rules.find(tx, tenant.orgId, ruleId);
  if (input.siteId) await requireSite(tx, tenant.orgId, input.siteId);
  if (input.siteId !== before.siteId) await assertFits(tx, tenant.orgId, input.siteId, 0);
  await tx.policyRule.update({ where: { id: ruleId, orgId: tenant.orgId }, data: toRow(input) });
  const revision = await rules.record(tx, actor, tenant.orgId, "update", {
    id: ruleId,
    before: rowOf(before),
    after: toRow(input),
    reason: "policy rule changed",
  });
  return { id: ruleId, revision };
}

export async function deleteRule(tx: Tx, actor: Actor, tenant: TenantContext, ruleId: string) {
  const before = await rules.find(tx, tenant.orgId, ruleId);
  await tx.policyRule.delete({ where: { id: ruleId, orgId: tenant.orgId } });
  const revision = await rules.record(
    tx,
    actor,
    tenant.orgId,
    "delete",
    { id: ruleId, before: summary(before), reason: "policy rule removed" },
    READ_ONLY_OK,
  );
  return { revision };
}
