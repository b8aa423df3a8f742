import { type Actor, writeAudit } from "../../../../platform/audit/write-audit";
import type { Tx } from "../../../../platform/db/client";
import { inOrg } from "../../../../platform/db/in-org";
import { AppError, notFound } from "../../../../platform/errors";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";
import { billingState } from "../account";
import { lockBilling } from "./ensure-customer";
import { mayConsolidate } from "./msp-paid";
import { expireOpenSessions, isCurrent, isLive, stripeSubscriptions } from "./subscription";
import { syncQuantityLater } from "./sync-quantity-later";

export type BillingMode = "direct" | "consolidated";

/**
 * A customer moving onto its MSP's bill must not pay on its own too: refused while it has
 * a subscription (stored, or at Stripe where the mirror may lag), and an unpaid Checkout
 * of its own is expired so it cannot start one later.
 */
async function assertNoOwnBilling(
  row: { stripeCustomerId: string | null; subscriptionStatus: string | null } | null,
  name: string,
) {
  const customerId = row?.stripeCustomerId;
  if (customerId) await expireOpenSessions(customerId);
  const live =
    isCurrent(row?.subscriptionStatus) ||
    (!!customerId && (await stripeSubscriptions(customerId)).some(isLive));
  if (live)
    throw new AppError(
      "CONFLICT",
      `${name} has a subscription of its own; cancel it (Manage billing in that organization) first`,
    );
}

/**
 * An MSP decides how each of its customers is billed: on the customer's own subscription
 * (direct) or on the MSP's (consolidated). It is the MSP's call, since it pays, so the
 * caller acts in the MSP org (`tenant`) and names the customer. Both payers' per-site
 * quantities change, so both get a quantity sync once this commits.
 */
export async function setBillingMode(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: { customerOrgId: string; mode: BillingMode },
) {
  if (tenant.orgKind !== "msp")
    throw new AppError("BAD_REQUEST", "Only an MSP sets how its customer organizations are billed");
  const customer = await tx.organization.findFirst({
    where: { id: input.customerOrgId, parentId: tenant.orgId },
    select: { id: true, name: true },
  });
  if (!customer) throw notFound("Customer organization");
  const msp = await billingState(tx, tenant.orgId);
  if (!msp.enabled) throw new AppError("BAD_REQUEST", "Billing is not enabled here");
  if (input.mode === "consolidated" && !mayConsolidate(msp))
    throw new AppError(
      "PAYMENT_REQUIRED",
      "Billing customers through the MSP needs the MSP on a paid plan: upgrade to Standard on the billing page first",
      { plan: msp.plan.key },
    );
  await lockBilling(tx, customer.id);
  const [before, ownSubscription] = await inOrg(tx, customer.id, tenant.orgId, async () => {
    const row = await tx.billingAccount.findUnique({
      where: { orgId: customer.id },
      select: {
        billingMode: true,
        stripeCustomerId: true,
        stripeSubscriptionId: true,
        subscriptionStatus: true,
      },
    });
    const mode: BillingMode = row?.billingMode ?? "direct";
    const subscription = row?.stripeSubscriptionId ?? null;
    if (mode === input.mode) return [mode, subscription] as const;
    if (input.mode === "consolidated") await assertNoOwnBilling(row, customer.name);
    await tx.billingAccount.upsert({
      where: { orgId: customer.id },
      create: { orgId: customer.id, billingMode: input.mode },
      update: { billingMode: input.mode },
    });
    await writeAudit(tx, actor, {
      orgId: customer.id,
      action: "billing.mode_changed",
      targetType: "organization",
      targetId: customer.id,
      before: { mode },
      after: {
        mode: input.mode,
        payer: input.mode === "consolidated" ? tenant.orgId : customer.id,
      },
    });
    return [mode, subscription] as const;
  });
  if (before === input.mode) return { customerOrgId: customer.id, mode: input.mode };
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "billing.mode_changed",
    targetType: "organization",
    targetId: customer.id,
    before: { mode: before },
    after: { mode: input.mode, customer: customer.name },
  });
  await syncQuantityLater(tx, [
    { orgId: tenant.orgId, subscriptionId: msp.stripeSubscriptionId },
    { orgId: customer.id, subscriptionId: ownSubscription },
  ]);
  return { customerOrgId: customer.id, mode: input.mode };
}
