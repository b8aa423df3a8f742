// An org's billing state as the rest of the product sees it: which plan and limits apply,
// who pays, and whether the org is read-only. A consolidated customer of an MSP has the
// MSP's plan, limits and payment standing; its own counts are checked against them.
import type { Tx } from "../../../platform/db/client";
import { inOrg } from "../../../platform/db/in-org";
import {
  type Limits,
  LONGEST_SERIES_RETENTION,
  type Plan,
  planOf,
  type SeriesRetention,
  UNLIMITED,
  ZLimits,
} from "./plans";
import { billingEnabled } from "./stripe-client";

export interface BillingState {
  /** false: billing is off on this install and nothing is limited. */
  enabled: boolean;
  orgId: string;
  mode: "direct" | "consolidated";
  /** The org whose Stripe customer pays: this org, or its MSP parent when consolidated. */
  payerOrgId: string;
  plan: Plan;
  limits: Limits;
  subscriptionStatus: string | null;
  stripeCustomerId: string | null;
  stripeSubscriptionId: string | null;
  graceEndsAt: Date | null;
  /** Payment failed and the grace period is over: no new sites or config changes. */
  readOnly: boolean;
}

type AccountRow = NonNullable<Awaited<ReturnType<Tx["billingAccount"]["findUnique"]>>>;

/** The org's row, or what an org without one has: free, direct, never billed. */
export async function accountOf(tx: Tx, orgId: string) {
  return tx.billingAccount.findUnique({ where: { orgId } });
}

/**
 * Reads the payer's row of a consolidated org. Row-level security shows one org per
 * transaction, so the transaction looks at the parent for one query and then back (inOrg:
 * a failed query is rethrown as it is, not masked by the restore failing after it).
 */
const payerAccount = (tx: Tx, orgId: string, parentId: string) =>
  inOrg(tx, parentId, orgId, () => tx.billingAccount.findUnique({ where: { orgId: parentId } }));

function limitsOf(plan: Plan, row: AccountRow | null): Limits {
  if (!row?.planOverride || !row.customLimits) return plan.limits;
  const custom = ZLimits.partial().safeParse(row.customLimits);
  return { ...plan.limits, ...(custom.success ? custom.data : {}) };
}

export function isReadOnly(row: { graceEndsAt: Date | null } | null, now = new Date()) {
  return !!row?.graceEndsAt && row.graceEndsAt.getTime() <= now.getTime();
}

/** The billing state of `orgId`, read inside the caller's transaction (scoped to orgId). */
export async function billingState(tx: Tx, orgId: string): Promise<BillingState> {
  const own = await accountOf(tx, orgId);
  const mode = own?.billingMode ?? "direct";
  let payerOrgId = orgId;
  let payer = own;
  if (mode === "consolidated") {
    const org = await tx.organization.findUnique({
      where: { id: orgId },
      select: { parentId: true },
    });
    if (org?.parentId) {
      payerOrgId = org.parentId;
      payer = await payerAccount(tx, orgId, org.parentId);
    }
  }
  const plan = planOf(payer?.planOverride ?? payer?.planKey);
  const enabled = billingEnabled();
  return {
    enabled,
    orgId,
    mode,
    payerOrgId,
    plan,
    limits: enabled ? limitsOf(plan, payer) : UNLIMITED,
    subscriptionStatus: payer?.subscriptionStatus ?? null,
    stripeCustomerId: payer?.stripeCustomerId ?? null,
    stripeSubscriptionId: payer?.stripeSubscriptionId ?? null,
    graceEndsAt: payer?.graceEndsAt ?? null,
    readOnly: enabled && isReadOnly(payer),
  };
}

/** How long the org's time series are kept: its (payer's) plan's, the longest without billing. */
export async function seriesRetentionOf(tx: Tx, orgId: string): Promise<SeriesRetention> {
  const state = await billingState(tx, orgId);
  return state.enabled ? state.plan.seriesRetention : LONGEST_SERIES_RETENTION;
}
