// Billing API test helpers: subscribe an org through the stand-in's Checkout the way a
// browser would (checkout, Pay, back to the page which calls refresh), and plan overrides.

import { stripe } from "../../../server/domains/billing/services/stripe-client";
import { setPlanOverride } from "../../../server/domains/billing/services/subscription/set-plan-override";
import type { SessionUser } from "../../../server/domains/identity/auth/session";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { callerFor, createOrgWithOwner, uid } from "../../../testkit/factories/identity";
import { stub } from "../../../testkit/stripe-env";

export const sessionIdOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);

/** Checkout, Pay and refresh: the org ends on Standard; returns the Stripe ids. */
export async function subscribe(user: SessionUser, orgSlug: string) {
  const api = callerFor(user);
  const { url } = await api.billing.checkout({ orgSlug, plan: "standard" });
  await stub.completeCheckout(sessionIdOf(url));
  const session = await stripe().checkout.sessions.retrieve(sessionIdOf(url));
  await api.billing.refresh({ orgSlug });
  return { customerId: String(session.customer), subscriptionId: String(session.subscription) };
}

export const enterprise = (orgSlug: string) =>
  setPlanOverride(getDb(), { orgSlug, plan: "enterprise", limits: {} });

/** An MSP (owner) with one customer org created by it. */
export async function mspWithCustomer() {
  const msp = await createOrgWithOwner("msp");
  const slug = `cust-${uid()}`;
  const customer = await callerFor(msp.owner).org.createCustomer({
    orgSlug: msp.slug,
    name: `Customer ${slug}`,
    slug,
  });
  return { msp, customer: { id: customer.id, slug, name: customer.name } };
}

/** The org's billing account row, read in its scope. */
export const accountRow = (orgId: string) =>
  withScope(getDb(), { orgId }, (tx) => tx.billingAccount.findUnique({ where: { orgId } }));

/** The org's audit entries of `action`, oldest first. */
export const auditOf = (orgId: string, action: string) =>
  withScope(getDb(), { orgId }, (tx) =>
    tx.auditLog.findMany({ where: { orgId, action }, orderBy: { createdAt: "asc" } }),
  );
