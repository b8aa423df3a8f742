import type { Tx } from "../../../../platform/db/client";
import { AppError } from "../../../../platform/errors";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";
import { billingState } from "../account";
import { customerFigures } from "./customer-figures";
import { mayConsolidate } from "./msp-paid";

/** An MSP's customer orgs with how each is billed, its sites and this period's data transfer. */
export async function listCustomerBilling(tx: Tx, tenant: TenantContext) {
  if (tenant.orgKind !== "msp")
    throw new AppError("BAD_REQUEST", "Only an MSP organization has customer organizations");
  const customers = (await customerFigures(tx, tenant.orgId)).map((c) => ({
    id: c.id,
    slug: c.slug,
    name: c.name,
    mode: c.mode,
    sites: c.sites,
    usageBytes: c.usageBytes,
  }));
  return { canConsolidate: mayConsolidate(await billingState(tx, tenant.orgId)), customers };
}
