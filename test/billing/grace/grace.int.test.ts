// Payment failure -> grace (still writable) -> read-only (nothing new, nothing lost,
// devices keep working) -> payment -> writable, through the real webhook, services and
// tRPC callers. Time is never waited on: the test moves graceEndsAt into the past.

// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../../testkit/stripe-env";

import { afterAll, describe, expect, it } from "vitest";
import { sweepGrace } from "../../../server/domains/billing/services/grace";
import { bumpRevision } from "../../../server/domains/fleet/intent/revision";
import { getDb } from "../../../server/platform/db/client";
import { closeQueues } from "../../../server/platform/jobs/queues";
import {
  accountOf,
  asOrg,
  auditOf,
  type BilledOrg,
  billedOrg,
  deliverSince,
  failureOf,
  subscribe,
} from "../../../testkit/factories/billing";
import { callerFor, createUser } from "../../../testkit/factories/identity";
import { stub } from "../../../testkit/stripe-env";

afterAll(closeQueues);

const rule = (n: number) => ({
  priority: n,
  action: "deny" as const,
  src: "10.0.0.0/8",
  dst: "192.168.0.0/16",
});

/** Subscribes, then lets a renewal fail: the org is in its grace period. */
async function inGrace(org: BilledOrg) {
  const from = stub.events.length;
  const sub = await subscribe(org, { sites: 2 });
  stub.failPayments(org.customerId);
  const invoice = await stub.renew(sub.id);
  await deliverSince(from);
  return invoice;
}

const lapse = (orgId: string) =>
  asOrg(orgId, (tx) =>
    tx.billingAccount.update({
      where: { orgId },
      data: { graceEndsAt: new Date(Date.now() - 60_000) },
    }),
  );

const revisionOf = async (orgId: string) =>
  (await asOrg(orgId, (tx) => tx.fleetRevision.findUnique({ where: { orgId } })))?.revision ?? 0;

describe("payment failure, grace and read-only", () => {
  it("goes read-only after the grace period and writable again once paid", async () => {
    const org = await billedOrg();
    const { api, slug, orgId } = org;
    const site = await api.site.create({ orgSlug: slug, name: "HQ" });
    const device = await asOrg(orgId, (tx) =>
      tx.device.create({ data: { orgId, siteId: site.id, hostname: "box", status: "active" } }),
    );
    const invoice = await inGrace(org);
    const graced = await accountOf(orgId);
    expect(graced).toMatchObject({ subscriptionStatus: "past_due", readOnlySince: null });
    expect(graced.graceEndsAt!.getTime()).toBeGreaterThan(Date.now());
    expect(await auditOf(orgId, "billing.grace_started")).toHaveLength(1);
    expect(await auditOf(orgId, "billing.payment_failed")).toHaveLength(1);
    // In the grace period everything still works.
    await api.site.create({ orgSlug: slug, name: "Branch" });
    await api.policy.create({ orgSlug: slug, ...rule(1) });

    await lapse(orgId);
    const refusals = {
      site: await failureOf(api.site.create({ orgSlug: slug, name: "Another" })),
      policy: await failureOf(api.policy.create({ orgSlug: slug, ...rule(2) })),
      rename: await failureOf(api.site.update({ orgSlug: slug, siteId: site.id, name: "X" })),
      token: await failureOf(api.site.createToken({ orgSlug: slug, siteId: site.id })),
      invite: await failureOf(
        api.invitation.create({ orgSlug: slug, email: "x@example.test", role: "viewer" }),
      ),
    };
    for (const [what, refusal] of Object.entries(refusals)) {
      expect(refusal.code, what).toBe("PAYMENT_REQUIRED");
      expect(refusal.message, what).toMatch(/read-only/);
    }
    // Nothing was taken away, and devices keep changing the intent (actor null).
    expect((await api.site.list({ orgSlug: slug })).items.map((s) => s.name).sort()).toEqual([
      "Branch",
      "HQ",
    ]);
    const still = await asOrg(orgId, (tx) =>
      tx.device.findUniqueOrThrow({ where: { id: device.id, orgId } }),
    );
    expect(still.status).toBe("active");
    const revision = await revisionOf(orgId);
    await asOrg(orgId, (tx) => bumpRevision(tx, orgId, null, "tunnel key of device box"));
    expect(await revisionOf(orgId)).toBe(revision + 1);

    // The sweep records the lapse once, however often it runs.
    expect(await sweepGrace(getDb())).toBeGreaterThanOrEqual(1);
    await sweepGrace(getDb());
    expect(await auditOf(orgId, "billing.read_only")).toHaveLength(1);
    expect((await accountOf(orgId)).readOnlySince).not.toBeNull();
    expect(
      await getDb().mailOutbox.count({ where: { to: org.owner.email, kind: "billing-read-only" } }),
    ).toBe(1);

    // A fixed card pays the open invoice: the org is writable again.
    const from = stub.events.length;
    stub.failPayments(org.customerId, false);
    await stub.payInvoice(invoice.id!);
    await deliverSince(from);
    expect(await accountOf(orgId)).toMatchObject({
      subscriptionStatus: "active",
      graceStartedAt: null,
      graceEndsAt: null,
      readOnlySince: null,
    });
    expect(await auditOf(orgId, "billing.payment_recovered")).toHaveLength(1);
    await api.site.create({ orgSlug: slug, name: "Another" });
    await api.policy.create({ orgSlug: slug, ...rule(3) });
  });

  it("stays read-only when the unpaid subscription is canceled, until the invoice is paid", async () => {
    const org = await billedOrg();
    const { api, slug, orgId } = org;
    const invoice = await inGrace(org);
    await lapse(orgId);
    // Stripe's end of dunning (or a cancel in the portal): the debt is still there.
    let from = stub.events.length;
    await stub.cancel(String((await accountOf(orgId)).stripeSubscriptionId));
    await deliverSince(from);
    const canceled = await accountOf(orgId);
    expect(canceled).toMatchObject({ planKey: "free", subscriptionStatus: "canceled" });
    expect(canceled.graceEndsAt).not.toBeNull();
    const refused = await failureOf(api.site.create({ orgSlug: slug, name: "HQ" }));
    expect(refused).toMatchObject({
      code: "PAYMENT_REQUIRED",
      message: expect.stringMatching(/read-only/),
    });
    expect(await auditOf(orgId, "billing.payment_recovered")).toHaveLength(0);

    from = stub.events.length;
    stub.failPayments(org.customerId, false);
    await stub.payInvoice(invoice.id!);
    await deliverSince(from);
    expect(await accountOf(orgId)).toMatchObject({
      subscriptionStatus: "canceled",
      graceStartedAt: null,
      graceEndsAt: null,
      readOnlySince: null,
    });
    expect(await auditOf(orgId, "billing.payment_recovered")).toHaveLength(1);
    await api.site.create({ orgSlug: slug, name: "HQ" });
  });

  it("makes the consolidated customers of a read-only MSP read-only, not the direct ones", async () => {
    const msp = await billedOrg("msp");
    await inGrace(msp);
    const mspApi = callerFor(msp.owner);
    const customer = async (mode: "consolidated" | "direct") => {
      const slug = `cust-${mode}-${Date.now().toString(36)}`;
      const org = await mspApi.org.createCustomer({ orgSlug: msp.slug, name: slug, slug });
      await asOrg(org.id, (tx) =>
        tx.billingAccount.create({ data: { orgId: org.id, billingMode: mode } }),
      );
      return slug;
    };
    const consolidated = await customer("consolidated");
    const direct = await customer("direct");
    await mspApi.site.create({ orgSlug: consolidated, name: "Before" });

    await lapse(msp.orgId);
    const refused = await failureOf(mspApi.site.create({ orgSlug: consolidated, name: "After" }));
    expect(refused).toMatchObject({
      code: "PAYMENT_REQUIRED",
      message: expect.stringMatching(/read-only/),
    });
    await mspApi.site.create({ orgSlug: direct, name: "After" });
  });

  it("keeps another org writable while one is read-only", async () => {
    const unpaid = await billedOrg();
    await inGrace(unpaid);
    await lapse(unpaid.orgId);
    const paying = await billedOrg();
    const from = stub.events.length;
    await subscribe(paying);
    await deliverSince(from);
    await paying.api.site.create({ orgSlug: paying.slug, name: "HQ" });
    await paying.api.invitation.create({
      orgSlug: paying.slug,
      email: (await createUser()).email,
      role: "viewer",
    });
    const refused = await failureOf(unpaid.api.site.create({ orgSlug: unpaid.slug, name: "HQ" }));
    expect(refused.code).toBe("PAYMENT_REQUIRED");
    expect(await sweepGrace(getDb())).toBeGreaterThanOrEqual(1);
    expect(await auditOf(paying.orgId, "billing.read_only")).toHaveLength(0);
    expect((await accountOf(paying.orgId)).readOnlySince).toBeNull();
  });
});
