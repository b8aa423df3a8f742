import type { Tx } from "../../../../platform/db/client";
import { AppError } from "../../../../platform/errors";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";
import { billingState } from "../account";
import { inOrg } from "./in-org";
import { mayConsolidate } from "./msp-paid";

/** An MSP's customer orgs with how each is billed and how many sites it has. */
export async function listCustomerBilling(tx: Tx, tenant: TenantContext) {
  if (tenant.orgKind !== "msp")
    throw new AppError("BAD_REQUEST", "Only an MSP organization has customer organizations");
  const children = await tx.organization.findMany({
    where: { parentId: tenant.orgId },
    select: { id: true, slug: true, name: true },
    orderBy: { name: "asc" },
  });
  const customers = [];
  for (const child of children) {
    const row = await inOrg(tx, child.id, tenant.orgId, async () => ({
      account: await tx.billingAccount.findUnique({
        where: { orgId: child.id },
        select: { billingMode: true },
      }),
      sites: await tx.site.count({ where: { orgId: child.id } }),
    }));
    customers.push({ ...child, mode: row.account?.billingMode ?? "direct", sites: row.sites });
  }
  return { canConsolidate: mayConsolidate(await billingState(tx, tenant.orgId)), customers };
}
