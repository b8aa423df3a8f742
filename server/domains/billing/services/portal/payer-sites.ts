import type { Tx } from "../../../../platform/db/client";
import { inOrg } from "./in-org";

/**
 * The per-site quantity a payer is billed for: its own sites plus those of every customer
 * org it pays for (billing mode consolidated). Read inside a transaction scoped to the payer.
 */
export async function payerSiteCount(tx: Tx, payerOrgId: string) {
  let total = await tx.site.count({ where: { orgId: payerOrgId } });
  const children = await tx.organization.findMany({
    where: { parentId: payerOrgId },
    select: { id: true },
  });
  for (const child of children) {
    total += await inOrg(tx, child.id, payerOrgId, async () => {
      const account = await tx.billingAccount.findUnique({
        where: { orgId: child.id },
        select: { billingMode: true },
      });
      return account?.billingMode === "consolidated"
        ? tx.site.count({ where: { orgId: child.id } })
        : 0;
    });
  }
  return total;
}
