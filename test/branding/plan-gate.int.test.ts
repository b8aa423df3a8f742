// "Powered by Patronus" by plan (billing on): hidden only where the org's plan, or its
// MSP's, includes white-label; billing alerts go out in the org's brand.

// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../testkit/stripe-env";

import { afterAll, describe, expect, it } from "vitest";
import { sweepGrace } from "../../server/domains/billing/services/grace";
import { getDb } from "../../server/platform/db/client";
import { closeQueues } from "../../server/platform/jobs/queues";
import { asOrg, failureOf } from "../../testkit/factories/billing";
import { callerFor, createOrgWithOwner, uid } from "../../testkit/factories/identity";

afterAll(closeQueues);

const onPlan = (orgId: string, planKey: string) =>
  asOrg(orgId, (tx) =>
    tx.billingAccount.upsert({ where: { orgId }, create: { orgId, planKey }, update: { planKey } }),
  );

describe("white-label by plan", () => {
  it("refuses on the free plan, with the reason, and allows on standard", async () => {
    const o = await createOrgWithOwner();
    const api = callerFor(o.owner);
    const view = await api.brand.get({ orgSlug: o.slug });
    expect(view.whiteLabel).toEqual({
      allowed: false,
      reason: expect.stringMatching(/Standard or Enterprise/),
    });
    const refused = await failureOf(api.brand.update({ orgSlug: o.slug, hidePoweredBy: true }));
    expect(refused).toMatchObject({ code: "PAYMENT_REQUIRED" });
    expect(refused.message).toMatch(
      /^Hiding “Powered by Patronus” needs the Standard or Enterprise plan/,
    );

    await onPlan(o.org.id, "standard");
    const set = await api.brand.update({ orgSlug: o.slug, hidePoweredBy: true });
    expect(set.effective.hidePoweredBy).toBe(true);
    // Back on free: the setting stays but no longer hides anything.
    await onPlan(o.org.id, "free");
    expect((await api.brand.get({ orgSlug: o.slug })).effective.hidePoweredBy).toBe(false);
  });

  it("lets an MSP on standard white-label its free customers", async () => {
    const msp = await createOrgWithOwner("msp");
    await onPlan(msp.org.id, "standard");
    const api = callerFor(msp.owner);
    const slug = `cust-${uid()}`;
    await api.org.createCustomer({ orgSlug: msp.slug, name: "Customer", slug });
    await api.brand.update({ orgSlug: msp.slug, hidePoweredBy: true, productName: "MSP Cloud" });
    const customer = await api.brand.get({ orgSlug: slug });
    expect(customer.whiteLabel.allowed).toBe(true);
    expect(customer.effective).toMatchObject({ hidePoweredBy: true, productName: "MSP Cloud" });
  });

  it("sends billing alerts in the org's brand", async () => {
    const o = await createOrgWithOwner();
    const api = callerFor(o.owner);
    await api.brand.update({
      orgSlug: o.slug,
      productName: "Acme WAN",
      emailSenderName: "Acme Billing",
    });
    await asOrg(o.org.id, (tx) =>
      tx.billingAccount.create({
        data: { orgId: o.org.id, graceEndsAt: new Date(Date.now() - 60_000) },
      }),
    );
    await sweepGrace(getDb());
    const mail = await getDb().mailOutbox.findFirstOrThrow({
      where: { to: o.owner.email, kind: "billing-read-only" },
    });
    expect(mail.subject).toBe(`${o.org.name} is read-only on Acme WAN`);
    expect(mail.fromName).toBe("Acme Billing");
    expect(mail.text).toMatch(/\/o\/[^/]+\/billing$/);
  });
});
