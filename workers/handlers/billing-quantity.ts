import { syncQuantity } from "../../server/domains/billing/services/subscription/sync-quantity";
import type { Db } from "../../server/platform/db/client";

/** billing.sync-quantity: idempotent (sets an absolute quantity); Stripe errors retry. */
export async function syncBillingQuantity(db: Db, payerOrgId: string) {
  const result = await syncQuantity(db, payerOrgId);
  return "quantity" in result ? `${result.status} ${result.quantity}` : result.status;
}
