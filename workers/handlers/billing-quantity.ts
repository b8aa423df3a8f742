import { syncQuantity } from "../../server/billing/subscription/sync-quantity";
import type { Db } from "../../server/db/client";

/** billing.sync-quantity: idempotent (sets an absolute quantity); Stripe errors retry. */
export async function syncBillingQuantity(db: Db, payerOrgId: string) {
  const result = await syncQuantity(db, payerOrgId);
  return "quantity" in result ? `${result.status} ${result.quantity}` : result.status;
}
