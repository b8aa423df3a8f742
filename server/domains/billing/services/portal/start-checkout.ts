import { type UserActor, writeAudit } from "../../../../platform/audit/write-audit";
import type { Tx } from "../../../../platform/db/client";
import { env } from "../../../../platform/env";
import { AppError } from "../../../../platform/errors";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";
import { billingState } from "../account";
import { PLANS } from "../plans";
import { stripe } from "../stripe-client";
import { ensureCustomer, lockBilling } from "./ensure-customer";
import { payerSiteCount } from "./payer-sites";
import { stripeCall } from "./stripe-call";
import { expireOpenSessions, isLive, stripeSubscriptions } from "./subscription";
import { billingPageUrl } from "./urls";

/**
 * A Stripe Checkout Session subscribing the org to Standard: the per-site price with the
 * payer's site count as quantity, and the metered data-transfer price. The subscription
 * itself reaches us through the webhook (or billing.refresh), never from this call.
 */
export async function startCheckout(
  tx: Tx,
  actor: UserActor,
  tenant: TenantContext,
  input: { plan: "standard" },
) {
  // Taken before reading: a billing-mode change or another Upgrade click waits for this one.
  await lockBilling(tx, tenant.orgId);
  const state = await billingState(tx, tenant.orgId);
  if (!state.enabled) throw new AppError("BAD_REQUEST", "Billing is not enabled here");
  if (state.mode === "consolidated")
    throw new AppError(
      "BAD_REQUEST",
      "This organization is billed through its MSP; the MSP's plan applies to it",
    );
  if (state.plan.key === "enterprise")
    throw new AppError(
      "BAD_REQUEST",
      "This organization is on Enterprise; contact sales to change",
    );
  const plan = PLANS[input.plan];
  const customer = await ensureCustomer(tx, tenant.orgId, actor);
  // Stripe, not our mirror (a webhook may not have landed yet), says whether one exists.
  await expireOpenSessions(customer);
  const subscriptions = await stripeSubscriptions(customer);
  if (subscriptions.some(isLive))
    throw new AppError(
      "CONFLICT",
      "This organization already has a subscription; use Manage billing to change it",
    );
  const quantity = Math.max(1, await payerSiteCount(tx, tenant.orgId));
  // The trial is for first-timers only.
  const had = subscriptions.length > 0 || !!state.subscriptionStatus;
  const trialDays = had ? 0 : plan.trialDays;
  const metadata = { orgId: tenant.orgId, plan: plan.key };
  const session = await stripeCall("start Checkout", () =>
    stripe().checkout.sessions.create({
      mode: "subscription",
      customer,
      client_reference_id: tenant.orgId,
      line_items: [{ price: env.STRIPE_PRICE_SITE, quantity }, { price: env.STRIPE_PRICE_DATA }],
      subscription_data: { metadata, ...(trialDays ? { trial_period_days: trialDays } : {}) },
      metadata,
      success_url: billingPageUrl(
        tenant.orgSlug,
        "?checkout=success&session_id={CHECKOUT_SESSION_ID}",
      ),
      cancel_url: billingPageUrl(tenant.orgSlug, "?checkout=cancelled"),
    }),
  );
  if (!session.url) throw new Error(`Checkout session ${session.id} has no URL`);
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "billing.checkout_started",
    targetType: "billing",
    targetId: session.id,
    after: { plan: plan.key, quantity, trialDays },
  });
  return { url: session.url };
}
