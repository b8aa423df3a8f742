// The per-site subscription quantity follows the sites billed: the payer's own and those of
// its consolidated customers; site changes enqueue the sync for the payer.

// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../../testkit/stripe-env";

import { afterAll, describe, expect, it } from "vitest";
import { stripe } from "../../../server/domains/billing/services/stripe-client";
import { syncQuantity } from "../../../server/domains/billing/services/subscription/sync-quantity";
import { getDb } from "../../../server/platform/db/client";
import { env } from "../../../server/platform/env";
import { closeQueues, getQueue } from "../../../server/platform/jobs/queues";
import {
  asOrg,
  auditOf,
  type BilledOrg,
  billedOrg,
  deliverSince,
  subscribe,
} from "../../../testkit/factories/billing";
import { stub } from "../../../testkit/stripe-env";

afterAll(closeQueues);

async function subscribed(kind: "standard" | "msp" = "standard") {
  const org = await billedOrg(kind);
  const from = stub.events.length;
  const sub = await subscribe(org, { sites: 1 });
  await deliverSince(from);
  return { ...org, subscriptionId: sub.id };
}

async function stripeQuantity(subscriptionId: string) {
  const sub = await stripe().subscriptions.retrieve(subscriptionId);
  return sub.items.data.find((i) => i.price.id === env.STRIPE_PRICE_SITE)?.quantity;
}

async function queuedSyncsFor(orgId: string) {
  const jobs = await getQueue("billing").getJobs(["waiting", "delayed", "prioritized"]);
  return jobs.filter((j) => j.name === "billing.sync-quantity" && j.data.orgId === orgId).length;
}

async function customerOf(msp: BilledOrg, mode: "consolidated" | "direct") {
  const slug = `cust-${mode}-${Date.now().toString(36)}`;
  const org = await msp.api.org.createCustomer({ orgSlug: msp.slug, name: slug, slug });
  await asOrg(org.id, (tx) =>
    tx.billingAccount.create({ data: { orgId: org.id, billingMode: mode } }),
  );
  return slug;
}

describe("subscription quantity", () => {
  it("follows sites added and removed, idempotently, never below one", async () => {
    const org = await subscribed();
    const { api, slug } = org;
    const queued = await queuedSyncsFor(org.orgId);
    const sites = [];
    for (const name of ["A", "B", "C"]) sites.push(await api.site.create({ orgSlug: slug, name }));
    expect(await queuedSyncsFor(org.orgId)).toBe(queued + 3);

    expect(await syncQuantity(getDb(), org.orgId)).toEqual({
      status: "updated",
      quantity: 3,
      sites: 3,
    });
    expect(await stripeQuantity(org.subscriptionId)).toBe(3);
    expect(await syncQuantity(getDb(), org.orgId)).toMatchObject({ status: "unchanged" });
    expect(await auditOf(org.orgId, "billing.quantity_changed")).toHaveLength(1);

    await api.site.delete({ orgSlug: slug, siteId: sites[0]!.id });
    expect(await queuedSyncsFor(org.orgId)).toBe(queued + 4);
    await syncQuantity(getDb(), org.orgId);
    expect(await stripeQuantity(org.subscriptionId)).toBe(2);
    for (const s of sites.slice(1)) await api.site.delete({ orgSlug: slug, siteId: s.id });
    expect(await syncQuantity(getDb(), org.orgId)).toMatchObject({ quantity: 1, sites: 0 });
  });

  it("converges when runs overlap", async () => {
    const org = await subscribed();
    for (const name of ["A", "B", "C", "D"]) await org.api.site.create({ orgSlug: org.slug, name });
    await Promise.all([1, 2, 3].map(() => syncQuantity(getDb(), org.orgId)));
    expect(await stripeQuantity(org.subscriptionId)).toBe(4);
  });

  it("adds a consolidated customer's sites to its MSP's quantity, not a direct one's", async () => {
    const msp = await subscribed("msp");
    const consolidated = await customerOf(msp, "consolidated");
    const direct = await customerOf(msp, "direct");
    const queued = await queuedSyncsFor(msp.orgId);
    await msp.api.site.create({ orgSlug: msp.slug, name: "MSP HQ" });
    for (const name of ["C1", "C2"]) await msp.api.site.create({ orgSlug: consolidated, name });
    await msp.api.site.create({ orgSlug: direct, name: "D1" });
    // The consolidated customer's site changes are synced for the MSP; the direct one's not.
    expect(await queuedSyncsFor(msp.orgId)).toBe(queued + 3);
    expect(await syncQuantity(getDb(), msp.orgId)).toMatchObject({ quantity: 3, sites: 3 });
    expect(await stripeQuantity(msp.subscriptionId)).toBe(3);
  });

  it("does nothing for an org without a subscription", async () => {
    const org = await billedOrg();
    await org.api.site.create({ orgSlug: org.slug, name: "HQ" });
    expect(await queuedSyncsFor(org.orgId)).toBe(0);
    expect(await syncQuantity(getDb(), org.orgId)).toEqual({ status: "no-subscription" });
  });
});
