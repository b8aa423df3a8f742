// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../../testkit/stripe-env";

import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { closeQueues } from "../../../server/platform/jobs/queues";
import {
  addMember,
  callerFor,
  createOrgWithOwner,
  createUser,
} from "../../../testkit/factories/identity";
import { stub } from "../../../testkit/stripe-env";
import { subscribe } from "./lib";

afterAll(closeQueues);

const limitsOf = (s: { limits: { resource: string; used: number; max: number | null }[] }) =>
  Object.fromEntries(s.limits.map((l) => [l.resource, [l.used, l.max]]));

describe("billing.summary", () => {
  it("shows a new org on Free with what it uses against the limits", async () => {
    const { owner, org, slug } = await createOrgWithOwner();
    const api = callerFor(owner);
    await api.site.create({ orgSlug: slug, name: "HQ" });
    await api.site.create({ orgSlug: slug, name: "Branch" });
    await api.invitation.create({
      orgSlug: slug,
      email: (await createUser()).email,
      role: "viewer",
    });
    // 1.5 GB this hour: inside this period (the month, without a subscription) and today.
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    await withScope(getDb(), { orgId: org.id }, (tx) =>
      tx.usageHour.create({
        data: { orgId: org.id, hour, rxBytes: 1_000_000_000n, txBytes: 500_000_000n },
      }),
    );

    const s = await api.billing.summary({ orgSlug: slug });
    expect(s).toMatchObject({
      enabled: true,
      plan: { key: "free", name: "Free" },
      subscriptionStatus: null,
      mode: "direct",
      readOnly: false,
      canCheckout: true,
      canManage: false,
      trialEligible: true,
      isMsp: false,
    });
    expect(limitsOf(s)).toEqual({
      sites: [2, 3],
      devices: [0, 6],
      members: [2, 5],
      apiKeys: [0, 2],
    });
    expect(s.dataTransfer.usedBytes).toBe(1_500_000_000);
    expect(s.dataTransfer.includedBytes).toBe(10e9);
    expect(s.plans.map((p) => p.key)).toEqual(["free", "standard", "enterprise"]);

    const days = await api.billing.usage({ orgSlug: slug, days: 30 });
    expect(days).toHaveLength(30);
    expect(days.at(-1)).toEqual({ day: hour.toISOString().slice(0, 10), bytes: 1_500_000_000 });
  });

  it("shows the subscription after Checkout, then past due and read-only to every member", async () => {
    const { owner, org, slug } = await createOrgWithOwner();
    const viewer = await addMember(slug, owner, "viewer");
    const api = callerFor(owner);
    const { customerId, subscriptionId } = await subscribe(owner, slug);

    const s = await api.billing.summary({ orgSlug: slug });
    expect(s).toMatchObject({
      plan: { key: "standard" },
      subscriptionStatus: "trialing",
      canCheckout: false,
      canManage: true,
      trialEligible: false,
    });
    expect(s.trialEndsAt).toBeInstanceOf(Date);
    expect(s.periodEnd).toBeInstanceOf(Date);
    expect(limitsOf(s).sites).toEqual([0, 500]);
    expect((await api.billing.invoices({ orgSlug: slug })).items).toHaveLength(1);

    // The renewal's payment is declined: past due, a grace period, not read-only yet.
    stub.failPayments(customerId);
    await stub.renew(subscriptionId);
    const pastDue = await api.billing.refresh({ orgSlug: slug });
    expect(pastDue).toMatchObject({ subscriptionStatus: "past_due", readOnly: false });
    expect(pastDue.graceEndsAt).toBeInstanceOf(Date);
    const { items: invoices } = await api.billing.invoices({ orgSlug: slug });
    expect(invoices).toHaveLength(2);
    // Both may carry the same second (Stripe's resolution): no order between them to rely on.
    const renewal = invoices.find((i) => i.status === "open");
    expect(renewal?.hostedInvoiceUrl).toBeTruthy();
    const status = await callerFor(viewer).billing.status({ orgSlug: slug });
    expect(status).toEqual({ enabled: true, readOnly: false, graceEndsAt: pastDue.graceEndsAt });

    // The grace period runs out (moved into the past rather than waited for).
    await withScope(getDb(), { orgId: org.id }, (tx) =>
      tx.billingAccount.update({ where: { orgId: org.id }, data: { graceEndsAt: new Date(1) } }),
    );
    expect(await callerFor(viewer).billing.status({ orgSlug: slug })).toMatchObject({
      readOnly: true,
    });
    expect(await api.billing.summary({ orgSlug: slug })).toMatchObject({ readOnly: true });
    await expect(api.site.create({ orgSlug: slug, name: "More" })).rejects.toMatchObject({
      code: "PAYMENT_REQUIRED",
    });
  });

  it("opens Stripe's customer portal for a customer, audited", async () => {
    const { owner, org, slug } = await createOrgWithOwner();
    const api = callerFor(owner);
    await expect(api.billing.portal({ orgSlug: slug })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("choose a plan first"),
    });
    await subscribe(owner, slug);
    const { url } = await api.billing.portal({ orgSlug: slug });
    expect(url.startsWith(`${stub.url}/portal/`)).toBe(true);
    const audit = await withScope(getDb(), { orgId: org.id }, (tx) =>
      tx.auditLog.findMany({ where: { orgId: org.id, action: "billing.portal_opened" } }),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: owner.id });
  });

  it("says so when Stripe does not know the stored customer, rather than failing opaquely", async () => {
    const { owner, org, slug } = await createOrgWithOwner();
    await withScope(getDb(), { orgId: org.id }, (tx) =>
      tx.billingAccount.create({ data: { orgId: org.id, stripeCustomerId: `cus_gone_${org.id}` } }),
    );
    // Stripe's own message (it names the customer id) stays in the server log.
    await expect(callerFor(owner).billing.portal({ orgSlug: slug })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Stripe refused to open the customer portal; the error is in the server log",
    });
  });
});
