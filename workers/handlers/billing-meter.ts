import { meterOrg } from "../../server/domains/billing/services/usage/meter";
import type { Db } from "../../server/platform/db/client";

/** billing.meter: safe to run twice (each hour is billed once); Stripe errors retry. */
export async function billingMeter(db: Db, orgId: string) {
  const r = await meterOrg(db, orgId);
  return `claimed ${r.claimed}, sent ${r.sent}, skipped ${r.skipped}`;
}
