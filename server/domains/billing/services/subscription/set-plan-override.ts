// An operator's plan assignment (enterprise deals, comped accounts): planOverride wins over
// the plan Stripe's subscription gives, and customLimits replace that plan's limits per
// resource. Run through scripts/billing-set-plan.ts; audited like every billing change.
import { type Db, Prisma } from "../../../../platform/db/client";
import { withScope } from "../../../../platform/db/with-tenant";
import { AppError } from "../../../../platform/errors";
import { type Limits, type PlanKey, ZLimits } from "../plans";
import { billingAudit } from "../sync/effects";

export type PlanOverrideInput =
  | { orgSlug: string; clear: true }
  | { orgSlug: string; clear?: false; plan: PlanKey; limits: Partial<Limits> };

export async function setPlanOverride(db: Db, input: PlanOverrideInput) {
  const org = await db.organization.findUnique({ where: { slug: input.orgSlug } });
  if (!org) throw new AppError("NOT_FOUND", `No organization with the slug "${input.orgSlug}"`);
  const limits = input.clear ? null : ZLimits.partial().parse(input.limits);
  const planOverride = input.clear ? null : input.plan;
  const customLimits = limits && Object.keys(limits).length ? limits : null;
  return withScope(db, { orgId: org.id }, async (tx) => {
    const before = await tx.billingAccount.findUnique({ where: { orgId: org.id } });
    const data = { planOverride, customLimits: customLimits ?? Prisma.DbNull };
    const after = await tx.billingAccount.upsert({
      where: { orgId: org.id },
      create: { orgId: org.id, ...data },
      update: data,
    });
    await billingAudit(tx, org.id, "billing.plan_override", {
      by: "operator",
      before: { planOverride: before?.planOverride ?? null, customLimits: before?.customLimits },
      after: { planOverride, customLimits },
    });
    return { orgId: org.id, planOverride: after.planOverride, customLimits };
  });
}
