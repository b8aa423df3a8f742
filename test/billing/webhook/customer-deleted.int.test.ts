// A customer deleted in Stripe (its dashboard, or support): the org goes back to free,
// keeps what is ours (operator plan, invoices, an unpaid debt's grace), and its next
// Checkout makes a new customer. The org is found through the event's metadata, and only
// an org whose account names the customer is touched.

// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../../testkit/stripe-env";

import { afterAll, describe, expect, it } from "vitest";
import { stripe } from "../../../server/domains/billing/services/stripe-client";
import { setPlanOverride } from "../../../server/domains/billing/services/subscription/set-plan-override";
import { resyncCustomer } from "../../../server/domains/billing/services/sync/resync-customer";
import { getDb } from "../../../server/platform/db/client";
import { closeQueues } from "../../../server/platform/jobs/queues";
import {
  accountOf,
  asOrg,
  auditOf,
  billedOrg,
  deliverSince,
  stub,
  subscribe,
} from "../../../testkit/factories/billing";
import { callerFor, createOrgWithOwner } from "../../../testkit/factories/identity";
import { subscribe as subscribeInPortal } from "../api/lib";

afterAll(closeQueues);

const invoiceCount = (orgId: string) =>
  asOrg(orgId, (tx) => tx.billingInvoice.count({ where: { orgId } }));

describe("a customer deleted in Stripe", () => {
  it("puts the org back on free, keeps what is ours, and Checkout makes a new customer", async () => {
    // Bought through the portal, so the customer is the one ensureCustomer made.
    const o = await createOrgWithOwner();
    const org = { ...o, orgId: o.org.id, api: callerFor(o.owner) };
    const { customerId } = await subscribeInPortal(o.owner, o.slug);
    await setPlanOverride(getDb(), { orgSlug: org.slug, plan: "standard", limits: { sites: 9 } });

    const from = stub.events.length;
    await stripe().customers.del(customerId);
    const events = await deliverSince(from);
    expect(events.map((e) => e.type)).toEqual([
      "customer.subscription.deleted",
      "customer.deleted",
    ]);
    expect(await accountOf(org.orgId)).toMatchObject({
      planKey: "free",
      planOverride: "standard",
      customLimits: { sites: 9 },
      stripeCustomerId: null,
      stripeSubscriptionId: null,
      subscriptionStatus: null,
      siteItemId: null,
      siteQuantity: null,
      currentPeriodEnd: null,
      graceEndsAt: null,
    });
    expect(await invoiceCount(org.orgId)).toBe(1);
    const audit = await auditOf(org.orgId, "billing.customer_deleted");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      targetId: customerId,
      actorKind: "system",
      actorId: "stripe",
    });
    // Once: a later re-sync of the deleted customer finds nothing of it any more.
    expect(await resyncCustomer(getDb(), customerId, org.orgId)).toEqual({
      orgId: null,
      outcome: "deleted",
    });
    expect(await auditOf(org.orgId, "billing.customer_deleted")).toHaveLength(1);

    const { url } = await org.api.billing.checkout({ orgSlug: org.slug, plan: "standard" });
    const session = await stripe().checkout.sessions.retrieve(url.slice(url.lastIndexOf("/") + 1));
    expect(session.customer).not.toBe(customerId);
    expect((await accountOf(org.orgId)).stripeCustomerId).toBe(session.customer);
  });

  it("keeps the grace while a failed invoice of the deleted customer is unpaid", async () => {
    const org = await billedOrg();
    let from = stub.events.length;
    const sub = await subscribe(org);
    stub.failPayments(org.customerId);
    await stub.renew(sub.id);
    await deliverSince(from);
    const graced = await accountOf(org.orgId);
    expect(graced.graceEndsAt).not.toBeNull();

    from = stub.events.length;
    await stripe().customers.del(org.customerId);
    await deliverSince(from);
    expect(await accountOf(org.orgId)).toMatchObject({
      planKey: "free",
      stripeCustomerId: null,
      graceStartedAt: graced.graceStartedAt,
      graceEndsAt: graced.graceEndsAt,
    });
    const [entry] = await auditOf(org.orgId, "billing.customer_deleted");
    expect(entry?.after).toMatchObject({ graceKept: true });
  });

  it("resets on a re-sync that finds the customer missing, only in the org that has it", async () => {
    const gone = await billedOrg();
    const other = await billedOrg();
    const missing = `cus_missing_${gone.orgId}`;
    await asOrg(gone.orgId, (tx) =>
      tx.billingAccount.update({
        where: { orgId: gone.orgId },
        data: { stripeCustomerId: missing, planKey: "standard", subscriptionStatus: "active" },
      }),
    );
    const before = await accountOf(other.orgId);
    // A hint naming another org is only a claim: that org does not have this customer.
    expect(await resyncCustomer(getDb(), missing, other.orgId)).toEqual({
      orgId: null,
      outcome: "deleted",
    });
    expect(await accountOf(other.orgId)).toEqual(before);
    expect(await auditOf(other.orgId, "billing.customer_deleted")).toHaveLength(0);

    expect(await resyncCustomer(getDb(), missing, gone.orgId)).toEqual({
      orgId: gone.orgId,
      outcome: "deleted",
    });
    expect(await accountOf(gone.orgId)).toMatchObject({
      planKey: "free",
      subscriptionStatus: null,
      stripeCustomerId: null,
    });
    expect(await auditOf(gone.orgId, "billing.customer_deleted")).toHaveLength(1);
  });
});
