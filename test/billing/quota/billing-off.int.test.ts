// A self-hosted install (no STRIPE_SECRET_KEY): nothing is limited, nothing is read-only,
// and the webhook endpoint does not exist. This file must not import the Stripe stub.
import { afterAll, describe, expect, it } from "vitest";
import { POST } from "../../../app/api/webhooks/stripe/route";
import { sweepGrace } from "../../../server/domains/billing/services/grace";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { callerFor, createOrgWithOwner, createUser } from "../../../testkit/factories/identity";

afterAll(closeQueues);

describe("billing off", () => {
  it("limits nothing, even with an expired grace period on record", async () => {
    const { owner, org, slug } = await createOrgWithOwner();
    const api = callerFor(owner);
    await withScope(getDb(), { orgId: org.id }, (tx) =>
      tx.billingAccount.create({
        data: { orgId: org.id, graceStartedAt: new Date(0), graceEndsAt: new Date(1) },
      }),
    );
    for (let i = 0; i < 5; i++) await api.site.create({ orgSlug: slug, name: `Site ${i}` });
    for (let i = 0; i < 6; i++) {
      const invitee = await createUser();
      await api.invitation.create({ orgSlug: slug, email: invitee.email, role: "viewer" });
    }
    expect((await api.site.list({ orgSlug: slug })).items).toHaveLength(5);
    expect(await sweepGrace(getDb())).toBe(0);
  });

  it("answers the Stripe webhook with 404", async () => {
    const res = await POST(
      new Request("http://localhost/api/webhooks/stripe", {
        method: "POST",
        headers: { "stripe-signature": "t=1,v1=00" },
        body: "{}",
      }),
    );
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: 404, detail: "Billing is not enabled here" });
  });
});
