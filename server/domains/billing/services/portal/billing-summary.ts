import type { Tx } from "../../../../platform/db/client";
import { inOrg } from "../../../../platform/db/in-org";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";
import { accountOf, billingState } from "../account";
import { LIMITED, PLANS } from "../plans";
import { usageCount } from "../quota";
import { usageSince } from "../usage/usage-since";
import { customerFigures, periodStartOf } from "./customer-figures";
import { isCurrent } from "./subscription";

const GB = 1e9;

/**
 * What a payer's bill covers beyond its own org: the customers it bills consolidated,
 * each counted as its own billing page counts it (null for an org with no customers).
 */
async function billedFor(tx: Tx, orgId: string, ownSites: number) {
  const consolidated = (await customerFigures(tx, orgId)).filter((c) => c.mode === "consolidated");
  if (consolidated.length === 0) return null;
  const sum = (f: (c: (typeof consolidated)[number]) => number) =>
    consolidated.reduce((n, c) => n + f(c), 0);
  return {
    customers: consolidated.length,
    customerSites: sum((c) => c.sites),
    customerUsageBytes: sum((c) => c.usageBytes),
    sites: ownSites + sum((c) => c.sites),
  };
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
  const since = periodStartOf(payer);
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
  const ownSites = limits.find((l) => l.resource === "sites")?.used ?? 0;
  const billed = tenant.orgKind === "msp" ? await billedFor(tx, tenant.orgId, ownSites) : null;
  const ownBytes = Number(await usageSince(tx, tenant.orgId, since));
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
    billed,
    payerName: payerOrg?.name ?? null,
    isMsp: tenant.orgKind === "msp",
    canCheckout: state.enabled && !consolidated && state.plan.key !== "enterprise" && !current,
    canManage: state.enabled && !consolidated && !!state.stripeCustomerId,
    trialEligible: !payer?.stripeSubscriptionId && !payer?.subscriptionStatus,
    limits,
    dataTransfer: {
      since,
      // The included transfer is shared by everything the payer bills: its consolidated
      // customers' usage counts against it here as on their pages.
      usedBytes: ownBytes + (billed?.customerUsageBytes ?? 0),
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
