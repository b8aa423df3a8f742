// An org's alert rules: every kind starts with its default rule (written at the org's first
// evaluation or first read); operators edit thresholds, durations and scopes, add rules
// (a stricter one for some sites, say) and delete them. Changes are audited.
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import { afterCommit } from "../../../platform/db/with-tenant";
import { AppError, notFound } from "../../../platform/errors";
import { kickEvaluation } from "../engine/schedule";
import { KINDS, parseParams, RULE_KINDS, type RuleKind, type Severity } from "../rules/catalog";
import { auditJson } from "./audit-json";

export interface RuleInput {
  kind: RuleKind;
  name: string;
  enabled: boolean;
  severity: Severity;
  params: unknown;
  forSeconds: number;
  siteIds: string[];
  tags: string[];
}

type Row = Awaited<ReturnType<typeof requireRule>>;

const view = (r: Row) => ({
  id: r.id,
  kind: r.kind as RuleKind,
  name: r.name,
  description: RULE_KINDS[r.kind as RuleKind]?.description ?? "",
  enabled: r.enabled,
  severity: r.severity as Severity,
  params: (r.params ?? {}) as Record<string, unknown>,
  forSeconds: r.forSeconds,
  siteIds: r.siteIds,
  tags: r.tags,
  updatedAt: r.updatedAt,
});

/** The default rules, once per org (the evaluator does the same). */
export async function ensureDefaultRules(tx: Tx, orgId: string) {
  const [made] = await tx.$queryRaw<{ orgId: string }[]>`
    INSERT INTO alert_settings ("orgId") VALUES (${orgId})
    ON CONFLICT ("orgId") DO NOTHING RETURNING "orgId"`;
  if (made) await writeDefaultRules(tx, orgId);
}

/** Each kind's default rule (a name the org already uses is left alone). */
export async function writeDefaultRules(tx: Tx, orgId: string) {
  await tx.alertRule.createMany({
    data: [
      ...KINDS.map((kind) => ({ orgId, kind, ...RULE_KINDS[kind].defaults })),
      // Near the limit is minor; at it, nothing more can be added: major.
      {
        orgId,
        kind: "quota",
        name: "Quota at limit",
        severity: "major",
        forSeconds: 0,
        params: { percent: 100 },
      },
    ],
    skipDuplicates: true,
  });
}

async function requireRule(tx: Tx, orgId: string, id: string) {
  const r = await tx.alertRule.findFirst({ where: { orgId, id } });
  if (!r) throw notFound("Alert rule");
  return r;
}

/** Params checked against the kind; sites must be the org's own (another org's is "not found"). */
async function checked(tx: Tx, orgId: string, kind: RuleKind, input: Partial<RuleInput>) {
  let params: Record<string, unknown> | undefined;
  if (input.params !== undefined) {
    const parsed = RULE_KINDS[kind].params.safeParse(input.params ?? {});
    if (!parsed.success)
      throw new AppError(
        "BAD_REQUEST",
        `params: ${parsed.error.issues.map((i) => `${i.path.join(".") || "params"}: ${i.message}`).join("; ")}`,
      );
    params = parsed.data as Record<string, unknown>;
  }
  if (input.siteIds?.length) {
    const ids = [...new Set(input.siteIds)];
    const found = await tx.site.count({ where: { orgId, id: { in: ids } } });
    if (found !== ids.length) throw notFound("Site");
  }
  return params;
}

export async function listRules(tx: Tx, orgId: string) {
  await ensureDefaultRules(tx, orgId);
  const rows = await tx.alertRule.findMany({
    where: { orgId },
    orderBy: [{ kind: "asc" }, { name: "asc" }],
  });
  return rows.map(view);
}

export async function createRule(tx: Tx, actor: Actor, orgId: string, input: RuleInput) {
  await ensureDefaultRules(tx, orgId);
  const params = (await checked(tx, orgId, input.kind, input)) ?? parseParams(input.kind, {});
  const r = await tx.alertRule.create({
    data: {
      ...input,
      orgId,
      params: auditJson(params),
      siteIds: [...new Set(input.siteIds)],
      tags: [...new Set(input.tags)],
    },
  });
  await writeAudit(tx, actor, {
    orgId,
    action: "alert_rule.create",
    targetType: "alert_rule",
    targetId: r.id,
    after: auditJson(view(r)),
  });
  await reevaluate(tx, orgId);
  return view(r);
}

export async function updateRule(
  tx: Tx,
  actor: Actor,
  orgId: string,
  id: string,
  input: Partial<Omit<RuleInput, "kind">>,
) {
  const before = await requireRule(tx, orgId, id);
  const params = await checked(tx, orgId, before.kind as RuleKind, input);
  const { params: _p, ...fields } = input;
  const r = await tx.alertRule.update({
    where: { id, orgId },
    data: {
      ...fields,
      ...(params ? { params: auditJson(params) } : {}),
      ...(input.siteIds ? { siteIds: [...new Set(input.siteIds)] } : {}),
      ...(input.tags ? { tags: [...new Set(input.tags)] } : {}),
    },
  });
  await writeAudit(tx, actor, {
    orgId,
    action: "alert_rule.update",
    targetType: "alert_rule",
    targetId: id,
    before: auditJson(view(before)),
    after: auditJson(view(r)),
  });
  await reevaluate(tx, orgId);
  return view(r);
}

export async function deleteRule(tx: Tx, actor: Actor, orgId: string, id: string) {
  const before = await requireRule(tx, orgId, id);
  await tx.alertRule.delete({ where: { id, orgId } });
  await writeAudit(tx, actor, {
    orgId,
    action: "alert_rule.delete",
    targetType: "alert_rule",
    targetId: id,
    before: auditJson(view(before)),
  });
  await reevaluate(tx, orgId);
}

/** A rule change re-evaluates the org once committed: its incidents follow the new rules. */
const reevaluate = (tx: Tx, orgId: string) => afterCommit(tx, () => kickEvaluation(orgId));
