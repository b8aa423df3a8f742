// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../../testkit/stripe-env";

import { afterAll, describe, expect, it } from "vitest";
import { stripe } from "../../../server/domains/billing/services/stripe-client";
import { closeQueues, getQueue } from "../../../server/platform/jobs/queues";
import { callerFor, createOrgWithOwner } from "../../../testkit/factories/identity";
import { stub } from "../../../testkit/stripe-env";
import { accountRow, auditOf, enterprise, mspWithCustomer, sessionIdOf, subscribe } from "./lib";

afterAll(closeQueues);

const consolidate = (customerOrgId: string) => ({ customerOrgId, mode: "consolidated" as const });

/** Payers with a quantity sync waiting in the billing queue. */
async function queuedQuantitySyncs() {
  const jobs = await getQueue("billing").getJobs(["waiting", "delayed", "active", "completed"]);
  return jobs.filter((j) => j.name === "billing.sync-quantity").map((j) => j.data.orgId as string);
}

describe("billing.setMode", () => {
  it("needs the MSP on a paid plan to consolidate", async () => {
    const { msp, customer } = await mspWithCustomer();
    const api = callerFor(msp.owner);
    expect((await api.billing.customers({ orgSlug: msp.slug })).canConsolidate).toBe(false);
    await expect(
      api.billing.setMode({ orgSlug: msp.slug, ...consolidate(customer.id) }),
    ).rejects.toMatchObject({ code: "PAYMENT_REQUIRED" });
    expect(await accountRow(customer.id)).toBeNull();
  });

  it("moves a customer onto a subscribed MSP's bill and back, audited on both sides", async () => {
    const { msp, customer } = await mspWithCustomer();
    const api = callerFor(msp.owner);
    await subscribe(msp.owner, msp.slug);
    await api.site.create({ orgSlug: customer.slug, name: "Customer HQ" });

    await api.billing.setMode({ orgSlug: msp.slug, ...consolidate(customer.id) });
    const list = await api.billing.customers({ orgSlug: msp.slug });
    expect(list).toEqual({
      canConsolidate: true,
      customers: [
        {
          id: customer.id,
          slug: customer.slug,
          name: customer.name,
          mode: "consolidated",
          sites: 1,
          usageBytes: 0,
        },
      ],
    });
    // The customer now has the MSP's plan and standing, and no invoices of its own.
    const s = await api.billing.summary({ orgSlug: customer.slug });
    expect(s).toMatchObject({
      mode: "consolidated",
      payerName: msp.org.name,
      plan: { key: "standard" },
      subscriptionStatus: "trialing",
      canCheckout: false,
      canManage: false,
    });
    expect((await api.billing.invoices({ orgSlug: customer.slug })).items).toEqual([]);
    expect(await queuedQuantitySyncs()).toContain(msp.org.id);
    expect((await auditOf(msp.org.id, "billing.mode_changed"))[0]).toMatchObject({
      actorId: msp.owner.id,
      targetId: customer.id,
      before: { mode: "direct" },
      after: { mode: "consolidated" },
    });
    expect(await auditOf(customer.id, "billing.mode_changed")).toHaveLength(1);

    // The same mode again changes nothing and audits nothing.
    await api.billing.setMode({ orgSlug: msp.slug, ...consolidate(customer.id) });
    expect(await auditOf(msp.org.id, "billing.mode_changed")).toHaveLength(1);

    await api.billing.setMode({ orgSlug: msp.slug, customerOrgId: customer.id, mode: "direct" });
    expect(await api.billing.summary({ orgSlug: customer.slug })).toMatchObject({
      mode: "direct",
      plan: { key: "free" },
      payerName: null,
    });
    expect(await auditOf(customer.id, "billing.mode_changed")).toHaveLength(2);
  });

  it("lets an MSP with an Enterprise override consolidate", async () => {
    const { msp, customer } = await mspWithCustomer();
    await enterprise(msp.slug);
    const api = callerFor(msp.owner);
    await api.billing.setMode({ orgSlug: msp.slug, ...consolidate(customer.id) });
    expect(await api.billing.summary({ orgSlug: customer.slug })).toMatchObject({
      plan: { key: "enterprise" },
      mode: "consolidated",
    });
  });

  it("refuses a customer that pays for its own subscription (it would pay twice)", async () => {
    const { msp, customer } = await mspWithCustomer();
    await enterprise(msp.slug);
    const api = callerFor(msp.owner);
    await subscribe(msp.owner, customer.slug);
    await expect(
      api.billing.setMode({ orgSlug: msp.slug, ...consolidate(customer.id) }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("asks Stripe about the customer's own subscription and expires its open Checkout", async () => {
    const { msp, customer } = await mspWithCustomer();
    await enterprise(msp.slug);
    const api = callerFor(msp.owner);
    // An Upgrade the customer never paid: consolidating expires it, so it cannot be paid.
    const open = await api.billing.checkout({ orgSlug: customer.slug, plan: "standard" });
    await api.billing.setMode({ orgSlug: msp.slug, ...consolidate(customer.id) });
    expect((await stripe().checkout.sessions.retrieve(sessionIdOf(open.url))).status).toBe(
      "expired",
    );
    // Paid at Stripe but not synced yet (no webhook, no refresh): still refused.
    await api.billing.setMode({ orgSlug: msp.slug, customerOrgId: customer.id, mode: "direct" });
    const paid = await api.billing.checkout({ orgSlug: customer.slug, plan: "standard" });
    await stub.completeCheckout(sessionIdOf(paid.url));
    expect(await accountRow(customer.id)).toMatchObject({ subscriptionStatus: null });
    await expect(
      api.billing.setMode({ orgSlug: msp.slug, ...consolidate(customer.id) }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("is the MSP's call: not in an org that is not an MSP, nor for another org", async () => {
    const { msp, customer } = await mspWithCustomer();
    await enterprise(msp.slug);
    const api = callerFor(msp.owner);
    // Acting in the customer org (where the MSP owner is owner too) is not the way.
    await expect(
      api.billing.setMode({ orgSlug: customer.slug, ...consolidate(customer.id) }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // An unrelated org, even one the caller owns, is not a customer of this MSP.
    const mine = await createOrgWithOwner();
    await expect(
      api.billing.setMode({ orgSlug: msp.slug, ...consolidate(mine.org.id) }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(api.billing.customers({ orgSlug: customer.slug })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});
