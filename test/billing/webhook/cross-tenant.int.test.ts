// Cross-tenant: one org's Stripe customer, whatever happens to it and however its events
// arrive, never changes another org's billing rows, audit log or mail.

// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../../testkit/stripe-env";

import { afterAll, describe, expect, it } from "vitest";
import { stripe } from "../../../server/domains/billing/services/stripe-client";
import { resyncCustomer } from "../../../server/domains/billing/services/sync/resync-customer";
import { getDb } from "../../../server/platform/db/client";
import { env } from "../../../server/platform/env";
import { closeQueues } from "../../../server/platform/jobs/queues";
import {
  asOrg,
  type BilledOrg,
  billedOrg,
  deliverSince,
  subscribe,
} from "../../../testkit/factories/billing";
import { stub } from "../../../testkit/stripe-env";

afterAll(closeQueues);

async function everything(org: BilledOrg) {
  const { orgId } = org;
  return asOrg(orgId, async (tx) => ({
    account: await tx.billingAccount.findUnique({ where: { orgId } }),
    invoices: await tx.billingInvoice.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
    audit: await tx.auditLog.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
    mail: await tx.mailOutbox.count({ where: { to: org.owner.email } }),
  }));
}

describe("billing isolation between orgs", () => {
  it("a re-sync or webhook for org A's customer never touches org B", async () => {
    const a = await billedOrg();
    const b = await billedOrg();
    let from = stub.events.length;
    await subscribe(b, { sites: 2 });
    const sub = await subscribe(a, { sites: 1 });
    await deliverSince(from);
    const before = await everything(b);
    expect(before.account?.planKey).toBe("standard");

    from = stub.events.length;
    const item = sub.items.data.find((i) => i.price.id === env.STRIPE_PRICE_SITE)!;
    await stripe().subscriptionItems.update(item.id, { quantity: 7 });
    stub.failPayments(a.customerId);
    await stub.renew(sub.id);
    await stub.cancel(sub.id);
    const events = await deliverSince(from);
    expect(events.every((e) => JSON.stringify(e).includes(a.customerId))).toBe(true);
    expect(await resyncCustomer(getDb(), a.customerId)).toEqual({
      orgId: a.orgId,
      outcome: "synced",
    });

    expect(await everything(b)).toEqual(before);
    const mine = await everything(a);
    expect(mine.account).toMatchObject({ planKey: "free", subscriptionStatus: "canceled" });
    expect(mine.invoices).toHaveLength(2);
  });

  it("a customer claiming another org's id in its metadata is not that org's", async () => {
    const b = await billedOrg();
    const before = await everything(b);
    const claim = await stripe().customers.create({ metadata: { orgId: b.orgId } });
    expect(await resyncCustomer(getDb(), claim.id)).toEqual({ orgId: null, outcome: "not-ours" });
    expect(await resyncCustomer(getDb(), "cus_does_not_exist")).toEqual({
      orgId: null,
      outcome: "deleted",
    });
    expect(await everything(b)).toEqual(before);
  });
});
