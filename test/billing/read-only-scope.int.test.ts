// What read-only stops and what it lets through: growth and new configuration are
// refused; removals and undos (a rule, a port forward, a site, a rollback) stay possible so
// an unpaid org can still close an exposed port or shrink its bill.

// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../testkit/stripe-env";

import { afterAll, describe, expect, it } from "vitest";
import { closeQueues } from "../../server/platform/jobs/queues";
import { asOrg, failureOf } from "../../testkit/factories/billing";
import { callerFor, createOrgWithOwner, uid } from "../../testkit/factories/identity";

afterAll(closeQueues);

/** Puts the org past the end of a grace period (tests never wait on time). */
const readOnly = (orgId: string) =>
  asOrg(orgId, (tx) =>
    tx.billingAccount.upsert({
      where: { orgId },
      create: { orgId, graceEndsAt: new Date(Date.now() - 60_000) },
      update: { graceEndsAt: new Date(Date.now() - 60_000) },
    }),
  );

const rule = { priority: 1, action: "deny" as const, src: "10.0.0.0/8", dst: "192.168.0.0/16" };

describe("a read-only org", () => {
  it("may remove, but not change rollout settings", async () => {
    const { owner, org, slug } = await createOrgWithOwner();
    const api = callerFor(owner);
    const site = await api.site.create({ orgSlug: slug, name: "HQ" });
    const gone = await api.site.create({ orgSlug: slug, name: "Closed branch" });
    const r = await api.policy.create({ orgSlug: slug, ...rule });
    await readOnly(org.id);

    const refused = await failureOf(
      api.rollout.updateSettings({ orgSlug: slug, canaryPercent: 10, failureThreshold: 2 }),
    );
    expect(refused).toMatchObject({ code: "PAYMENT_REQUIRED" });
    expect(refused.message).toMatch(/read-only/);

    await api.policy.delete({ orgSlug: slug, ruleId: r.id });
    await api.site.delete({ orgSlug: slug, siteId: gone.id });
    const sites = (await api.site.list({ orgSlug: slug })).items;
    expect(sites.map((s) => s.id)).toEqual([site.id]);
  });

  it("as an MSP adds no customer organizations", async () => {
    const { owner, org, slug } = await createOrgWithOwner("msp");
    await readOnly(org.id);
    const refused = await failureOf(
      callerFor(owner).org.createCustomer({ orgSlug: slug, name: "New", slug: `c-${uid()}` }),
    );
    expect(refused).toMatchObject({ code: "PAYMENT_REQUIRED" });
  });
});
