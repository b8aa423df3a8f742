import type { BillingState } from "../account";
import { isCurrent } from "./subscription";

/**
 * Only an MSP on a paid plan may pay for its customers: Standard with a current
 * subscription, or an operator's Enterprise override.
 */
export function mayConsolidate(msp: BillingState) {
  if (!msp.enabled || msp.mode !== "direct") return false;
  if (msp.plan.key === "enterprise") return true;
  return msp.plan.key === "standard" && isCurrent(msp.subscriptionStatus);
}
