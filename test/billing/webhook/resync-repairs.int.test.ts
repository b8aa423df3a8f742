// What a re-sync repairs or reports beyond mirroring: two live subscriptions for one org
// (one gives the plan, the duplicate is audited once) and a per-site quantity changed in
// Stripe behind our back (a quantity job is enqueued).

// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../../testkit/stripe-env";

import { afterAll, describe, expect, it } from "vitest";
import { stripe } from "../../../server/domains/billing/services/stripe-client";
import { syncQuantity } from "../../../server/domains/billing/services/subscription/sync-quantity";
import { resyncCustomer } from "../../../server/domains/billing/services/sync/resync-customer";
import { getDb } from "../../../server/platform/db/client";
import { env } from "../../../server/platform/env";
import { closeQueues, getQueue } from "../../../server/platform/jobs/queues";
import {
  accountOf,
  auditOf,
  billedOrg,
  deliverSince,
  stub,
  subscribe,
} from "../../../testkit/factories/billing";

afterAll(closeQueues);

/** Quantity syncs waiting in the billing queue for `orgId`. */
async function quantitySyncs(orgId: string) {
  const jobs = await getQueue("billing").getJobs(["waiting", "delayed", "active", "completed"]);
  return jobs.filter((j) => j.name === "billing.sync-quantity" && j.data.orgId === orgId).length;
}

describe("the re-sync", () => {
  it("bills on one of two live subscriptions and audits the duplicate once", async () => {
    const org = await billedOrg();
    let from = stub.events.length;
    // Checkout made here bypasses the portal's guard, like an old session paid late.
    const first = await subscribe(org);
    const second = await subscribe(org);
    await deliverSince(from);
    const ids = [first.id, second.id].sort();
    const audit = await auditOf(org.orgId, "billing.duplicate_subscriptions");
    expect(audit).toHaveLength(1);
    const after = audit[0]!.after as { kept: string; subscriptionIds: string[] };
    const kept = after.kept;
    expect(after.subscriptionIds).toEqual(ids);
    expect(ids).toContain(kept);
    expect(await accountOf(org.orgId)).toMatchObject({
      planKey: "standard",
      stripeSubscriptionId: kept,
    });
    await resyncCustomer(getDb(), org.customerId);
    expect(await auditOf(org.orgId, "billing.duplicate_subscriptions")).toHaveLength(1);

    // The person cancels the other one: one live subscription, nothing more to report.
    from = stub.events.length;
    await stub.cancel(ids.find((id) => id !== kept)!);
    await deliverSince(from);
    expect(await accountOf(org.orgId)).toMatchObject({ stripeSubscriptionId: kept });
    expect(await auditOf(org.orgId, "billing.duplicate_subscriptions")).toHaveLength(1);
  });

  it("enqueues a quantity sync when Stripe's quantity no longer matches the sites", async () => {
    const org = await billedOrg();
    await org.api.site.create({ orgSlug: org.slug, name: "HQ" });
    let from = stub.events.length;
    const sub = await subscribe(org, { sites: 1 });
    await deliverSince(from);
    expect(await quantitySyncs(org.orgId)).toBe(0);

    from = stub.events.length;
    const item = sub.items.data.find((i) => i.price.id === env.STRIPE_PRICE_SITE)!;
    await stripe().subscriptionItems.update(item.id, { quantity: 4 });
    await deliverSince(from);
    expect((await accountOf(org.orgId)).siteQuantity).toBe(4);
    expect(await quantitySyncs(org.orgId)).toBeGreaterThanOrEqual(1);
    // What the job does: back to the one site.
    expect(await syncQuantity(getDb(), org.orgId)).toMatchObject({
      status: "updated",
      quantity: 1,
    });
  });
});
