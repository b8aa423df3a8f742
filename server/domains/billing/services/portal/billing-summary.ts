import type { Tx } from "../../../../platform/db/client";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";
import { accountOf, billingState } from "../account";
import { LIMITED, PLANS } from "../plans";
import { usageCount } from "../quota";
import { usageSince } from "../usage/usage-since";
import { inOrg } from "./in-org";
import { isCurrent } from "./subscription";

const GB = 1e9;

/** The start of the current calendar month (UTC): the period of orgs without a subscription. */
function monthStart(now = new Date()) {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * Everything the billing page shows about one org: its plan and standing (the payer's, when
 * consolidated), what it uses against its limits, this period's data transfer, and the plans
 * it could move to.
 */
export async function billingSummary(tx: Tx, tenant: TenantContext) {
  const state = await billingState(tx, tenant.orgId);
  const consolidated = state.mode === "consolidated" && state.payerOrgId !== tenant.orgId;
  const payer = consolidated
    ? await inOrg(tx, state.payerOrgId, tenant.orgId, () => accountOf(tx, state.payerOrgId))
    : await accountOf(tx, tenant.orgId);
  const payerOrg = consolidated
    ? await tx.organization.findUnique({
        where: { id: state.payerOrgId },
        select: { name: true },
      })
    : null;
  const since = payer?.currentPeriodStart ?? monthStart();
  const limits = [];
  for (const resource of LIMITED) {
    // Only an MSP has customer orgs.
    if (resource === "customerOrgs" && tenant.orgKind !== "msp") continue;
    limits.push({
      resource,
      used: await usageCount(tx, tenant.orgId, resource),
      max: state.enabled ? state.limits[resource] : null,
    });
  }
  const current = isCurrent(state.subscriptionStatus);
  return {
    enabled: state.enabled,
    plan: { key: state.plan.key, name: state.plan.name },
    override: !!payer?.planOverride,
    subscriptionStatus: state.subscriptionStatus,
    trialEndsAt: payer?.trialEndsAt ?? null,
    periodStart: payer?.currentPeriodStart ?? null,
    periodEnd: payer?.currentPeriodEnd ?? null,
    cancelAtPeriodEnd: payer?.cancelAtPeriodEnd ?? false,
    graceEndsAt: state.graceEndsAt,
    readOnly: state.readOnly,
    mode: state.mode,
    payerName: payerOrg?.name ?? null,
    isMsp: tenant.orgKind === "msp",
    canCheckout: state.enabled && !consolidated && state.plan.key !== "enterprise" && !current,
    canManage: state.enabled && !consolidated && !!state.stripeCustomerId,
    trialEligible: !payer?.stripeSubscriptionId && !payer?.subscriptionStatus,
    limits,
    dataTransfer: {
      since,
      usedBytes: Number(await usageSince(tx, tenant.orgId, since)),
      includedBytes: state.enabled ? state.limits.includedGb * GB : null,
    },
    plans: Object.values(PLANS).map((p) => ({
      key: p.key,
      name: p.name,
      blurb: p.blurb,
      limits: p.limits,
      pricePerSiteCents: p.pricePerSiteCents,
      overagePerGbCents: p.overagePerGbCents,
      trialDays: p.trialDays,
      purchase: p.purchase,
    })),
  };
}
