// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../../testkit/stripe-env";

import { afterAll, describe, expect, it } from "vitest";
import { payerSiteCount } from "../../../server/domains/billing/services/portal/payer-sites";
import { stripe } from "../../../server/domains/billing/services/stripe-client";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { callerFor, createOrgWithOwner } from "../../../testkit/factories/identity";
import { stub } from "../../../testkit/stripe-env";
import { accountRow, auditOf, enterprise, mspWithCustomer, sessionIdOf, subscribe } from "./lib";

afterAll(closeQueues);

const code = (p: Promise<unknown>) =>
  p.then(
    () => "OK",
    (e: { code?: string }) => e.code,
  );

describe("billing.checkout", () => {
  it("bills every site, offers the trial, names the org and is audited", async () => {
    const { owner, org, slug } = await createOrgWithOwner();
    const api = callerFor(owner);
    await api.site.create({ orgSlug: slug, name: "HQ" });
    await api.site.create({ orgSlug: slug, name: "Branch" });

    const { url } = await api.billing.checkout({ orgSlug: slug, plan: "standard" });
    expect(url.startsWith(`${stub.url}/checkout/`)).toBe(true);
    const id = sessionIdOf(url);
    const session = await stripe().checkout.sessions.retrieve(id, { expand: ["line_items"] });
    expect(session.mode).toBe("subscription");
    expect(session.client_reference_id).toBe(org.id);
    expect(session.success_url).toBe(
      `${process.env.APP_URL ?? "http://localhost:3000"}/o/${slug}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
    );
    expect(session.cancel_url).toMatch(new RegExp(`/o/${slug}/billing\\?checkout=cancelled$`));
    expect(
      session.line_items?.data.map((l) => ({ price: l.price?.id, quantity: l.quantity })),
    ).toEqual([
      { price: stub.prices.site, quantity: 2 },
      { price: stub.prices.data, quantity: null },
    ]);

    const account = await accountRow(org.id);
    expect(session.customer).toBe(account?.stripeCustomerId);
    const customer = await stripe().customers.retrieve(String(session.customer));
    expect(customer).toMatchObject({
      name: org.name,
      email: owner.email,
      metadata: { orgId: org.id },
    });

    const audit = await auditOf(org.id, "billing.checkout_started");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: owner.id,
      targetId: id,
      after: { plan: "standard", quantity: 2, trialDays: 14 },
    });

    // Paid on the hosted page: a trialing subscription that names the org and the plan.
    await stub.completeCheckout(id);
    const paid = await stripe().checkout.sessions.retrieve(id);
    const sub = await stripe().subscriptions.retrieve(String(paid.subscription));
    expect(sub.status).toBe("trialing");
    expect(sub.trial_end).toBeTruthy();
    expect(sub.metadata).toEqual({ orgId: org.id, plan: "standard" });
  });

  it("creates the Stripe customer once, and an org without sites pays for one", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const api = callerFor(owner);
    const first = await api.billing.checkout({ orgSlug: slug, plan: "standard" });
    const second = await api.billing.checkout({ orgSlug: slug, plan: "standard" });
    const [a, b] = await Promise.all(
      [first, second].map((c) =>
        stripe().checkout.sessions.retrieve(sessionIdOf(c.url), { expand: ["line_items"] }),
      ),
    );
    expect(a!.customer).toBe(b!.customer);
    expect(a!.line_items?.data[0]?.quantity).toBe(1);
  });

  it("is refused with a current subscription, and the trial is for first-timers", async () => {
    const { owner, org, slug } = await createOrgWithOwner();
    const api = callerFor(owner);
    const { subscriptionId } = await subscribe(owner, slug);
    expect(await code(api.billing.checkout({ orgSlug: slug, plan: "standard" }))).toBe("CONFLICT");

    await stub.cancel(subscriptionId);
    const after = await api.billing.refresh({ orgSlug: slug });
    expect(after.plan.key).toBe("free");
    expect(after.canCheckout).toBe(true);
    expect(after.trialEligible).toBe(false);
    const again = await api.billing.checkout({ orgSlug: slug, plan: "standard" });
    const audit = await auditOf(org.id, "billing.checkout_started");
    expect(audit.at(-1)?.after).toMatchObject({ trialDays: 0 });
    await stub.completeCheckout(sessionIdOf(again.url));
    const resumed = await api.billing.refresh({ orgSlug: slug });
    expect(resumed.plan.key).toBe("standard");
    expect(resumed.subscriptionStatus).toBe("active");
  });

  it("expires an earlier open session, so an abandoned one cannot be paid later", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const api = callerFor(owner);
    const first = sessionIdOf(
      (await api.billing.checkout({ orgSlug: slug, plan: "standard" })).url,
    );
    const second = sessionIdOf(
      (await api.billing.checkout({ orgSlug: slug, plan: "standard" })).url,
    );
    expect((await stripe().checkout.sessions.retrieve(first)).status).toBe("expired");
    await expect(stub.completeCheckout(first)).rejects.toThrow(/expired/);
    await stub.completeCheckout(second);
    const customer = String((await stripe().checkout.sessions.retrieve(second)).customer);
    const subs = await stripe().subscriptions.list({ customer, status: "all" });
    expect(subs.data).toHaveLength(1);
  });

  it("asks Stripe, not the stored status: a subscription not yet synced refuses", async () => {
    const { owner, org, slug } = await createOrgWithOwner();
    const api = callerFor(owner);
    const { url } = await api.billing.checkout({ orgSlug: slug, plan: "standard" });
    await stub.completeCheckout(sessionIdOf(url)); // no webhook, no refresh yet
    expect(await accountRow(org.id)).toMatchObject({ subscriptionStatus: null });
    expect(await code(api.billing.checkout({ orgSlug: slug, plan: "standard" }))).toBe("CONFLICT");
  });

  it("is refused for a consolidated customer and for an Enterprise org", async () => {
    const { msp, customer } = await mspWithCustomer();
    await enterprise(msp.slug);
    const mspApi = callerFor(msp.owner);
    await mspApi.billing.setMode({
      orgSlug: msp.slug,
      customerOrgId: customer.id,
      mode: "consolidated",
    });
    const refusal = mspApi.billing.checkout({ orgSlug: customer.slug, plan: "standard" });
    await expect(refusal).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("billed through its MSP"),
    });
    expect(await code(mspApi.billing.portal({ orgSlug: customer.slug }))).toBe("BAD_REQUEST");
    expect(await code(mspApi.billing.checkout({ orgSlug: msp.slug, plan: "standard" }))).toBe(
      "BAD_REQUEST",
    );
    expect(await accountRow(customer.id)).toMatchObject({ stripeCustomerId: null });
  });

  it("counts the sites of consolidated customers in the MSP's quantity", async () => {
    const { msp, customer } = await mspWithCustomer();
    const api = callerFor(msp.owner);
    await subscribe(msp.owner, msp.slug);
    await api.billing.setMode({
      orgSlug: msp.slug,
      customerOrgId: customer.id,
      mode: "consolidated",
    });
    await api.site.create({ orgSlug: customer.slug, name: "Customer HQ" });
    await api.site.create({ orgSlug: msp.slug, name: "MSP NOC" });
    // What a checkout of the MSP would bill (it is subscribed, so it cannot start one).
    const count = await withScope(getDb(), { orgId: msp.org.id }, (tx) =>
      payerSiteCount(tx, msp.org.id),
    );
    expect(count).toBe(2);
  });

  it("rejects a plan that is not sold through Checkout", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const bad = callerFor(owner).billing.checkout({ orgSlug: slug, plan: "enterprise" as never });
    expect(await code(bad)).toBe("BAD_REQUEST");
  });
});
