import type { Tx } from "../../../../platform/db/client";
import { customerFigures } from "./customer-figures";

/**
 * The per-site quantity a payer is billed for: its own sites plus those of every customer
 * org it pays for (billing mode consolidated). Read inside a transaction scoped to the payer.
 */
export async function payerSiteCount(tx: Tx, payerOrgId: string) {
  const own = await tx.site.count({ where: { orgId: payerOrgId } });
  const customers = await customerFigures(tx, payerOrgId);
  return own + customers.reduce((n, c) => n + (c.mode === "consolidated" ? c.sites : 0), 0);
}
