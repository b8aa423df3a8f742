import { type Actor, writeAudit } from "../../../../platform/audit/write-audit";
import type { Tx } from "../../../../platform/db/client";
import { AppError } from "../../../../platform/errors";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";
import { billingState } from "../account";
import { stripe } from "../stripe-client";
import { stripeCall } from "./stripe-call";
import { billingPageUrl } from "./urls";

/**
 * A session of Stripe's customer portal (payment method, invoices, cancel), returning to
 * the billing page. Only the payer has one: a consolidated customer's MSP manages billing.
 */
export async function openPortal(tx: Tx, actor: Actor, tenant: TenantContext) {
  const state = await billingState(tx, tenant.orgId);
  if (!state.enabled) throw new AppError("BAD_REQUEST", "Billing is not enabled here");
  if (state.mode === "consolidated")
    throw new AppError("BAD_REQUEST", "This organization is billed through its MSP");
  if (!state.stripeCustomerId)
    throw new AppError("BAD_REQUEST", "There is nothing to manage yet: choose a plan first");
  const customer = state.stripeCustomerId;
  const session = await stripeCall("open the customer portal", () =>
    stripe().billingPortal.sessions.create({
      customer,
      return_url: billingPageUrl(tenant.orgSlug),
    }),
  );
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "billing.portal_opened",
    targetType: "billing",
    targetId: session.id,
  });
  return { url: session.url };
}
