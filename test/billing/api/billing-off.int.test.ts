// A self-hosted install (no STRIPE_SECRET_KEY): the billing page says so, nothing is
// limited and nothing reaches Stripe. This file must not import the Stripe stub.
import { afterAll, describe, expect, it } from "vitest";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { callerFor, createOrgWithOwner } from "../../../testkit/factories/identity";

afterAll(closeQueues);

describe("billing API with billing off", () => {
  it("shows billing as off, unlimited, and refuses Stripe actions clearly", async () => {
    const { owner, slug } = await createOrgWithOwner("msp");
    const api = callerFor(owner);
    expect(await api.billing.status({ orgSlug: slug })).toEqual({
      enabled: false,
      readOnly: false,
      graceEndsAt: null,
    });
    const s = await api.billing.summary({ orgSlug: slug });
    expect(s).toMatchObject({ enabled: false, canCheckout: false, canManage: false });
    expect(s.limits.every((l) => l.max === null)).toBe(true);
    expect(s.dataTransfer.includedBytes).toBeNull();
    const stripeActions = [
      () => api.billing.checkout({ orgSlug: slug, plan: "standard" }),
      () => api.billing.portal({ orgSlug: slug }),
      () => api.billing.refresh({ orgSlug: slug }),
    ];
    for (const call of stripeActions)
      await expect(call()).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: "Billing is not enabled here",
      });
    expect((await api.billing.invoices({ orgSlug: slug })).items).toEqual([]);
  });
});
