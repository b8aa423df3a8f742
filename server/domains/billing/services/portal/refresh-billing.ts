import type { Db, Tx } from "../../../../platform/db/client";
import { AppError } from "../../../../platform/errors";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";
import { billingState } from "../account";
import { resyncCustomer } from "../sync/resync-customer";
import { billingSummary } from "./billing-summary";

/**
 * Re-syncs the payer's Stripe customer now, so the page is right after Checkout even
 * before the webhook lands. The re-sync runs in its own transaction (it takes the
 * customer's lock, like the webhook); this transaction then reads what it committed.
 */
export async function refreshBilling(db: Db, tx: Tx, tenant: TenantContext) {
  const state = await billingState(tx, tenant.orgId);
  if (!state.enabled) throw new AppError("BAD_REQUEST", "Billing is not enabled here");
  if (state.stripeCustomerId) await resyncCustomer(db, state.stripeCustomerId);
  return billingSummary(tx, tenant);
}
