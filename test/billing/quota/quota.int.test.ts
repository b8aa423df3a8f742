// Plan limits in the service layer: the free plan's limits, with a 402 that names the limit
// and the billing page; no race past a limit; pending invitations and devices count once;
// subscribing raises the limits, cancelling lowers them without deleting anything.

// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../../testkit/stripe-env";

import { afterAll, describe, expect, it } from "vitest";
import { createDeviceKey } from "../../../protocol/crypto/device-key";
import { enrollHandler } from "../../../server/domains/fleet/enrollment/http";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { accountOf, billedOrg, deliverSince, subscribe } from "../../../testkit/factories/billing";
import { callerFor, createUser, inviteTokenFor } from "../../../testkit/factories/identity";
import { stub } from "../../../testkit/stripe-env";

afterAll(closeQueues);

/** The error of a call that must fail: code, message and the AppError's details. */
async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e as { code: string; message: string; cause?: { details?: unknown } },
  );
  expect(error, "the call should have been refused").not.toBeNull();
  return { code: error!.code, message: error!.message, details: error!.cause?.details };
}

describe("quotas", () => {
  it("stops a free org at 3 sites with a 402 naming the limit and the billing page", async () => {
    const { api, slug } = await billedOrg();
    for (const name of ["A", "B", "C"]) await api.site.create({ orgSlug: slug, name });
    const r = await refusal(api.site.create({ orgSlug: slug, name: "D" }));
    expect(r.code).toBe("PAYMENT_REQUIRED");
    expect(r.message).toMatch(/Free plan allows 3 sites/);
    expect(r.message).toMatch(/billing page/);
    expect(r.details).toEqual({ limit: "sites", max: 3, used: 3, plan: "free" });
  });

  it("never lets concurrent creates pass the limit", async () => {
    const { api, slug } = await billedOrg();
    await api.site.create({ orgSlug: slug, name: "First" });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => api.site.create({ orgSlug: slug, name: `Race ${i}` })),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    expect(ok).toHaveLength(2);
    for (const r of results.filter((x) => x.status === "rejected"))
      expect((r as PromiseRejectedResult).reason.code).toBe("PAYMENT_REQUIRED");
    expect((await api.site.list({ orgSlug: slug })).items).toHaveLength(3);
  });

  it("counts pending invitations as members, and accepting one does not count it twice", async () => {
    const { api, slug } = await billedOrg(); // the owner is member 1 of 5
    const invitees = await Promise.all([1, 2, 3, 4].map(() => createUser()));
    const invites = [];
    for (const u of invitees)
      invites.push(await api.invitation.create({ orgSlug: slug, email: u.email, role: "viewer" }));
    const extra = await createUser();
    const r = await refusal(
      api.invitation.create({ orgSlug: slug, email: extra.email, role: "viewer" }),
    );
    expect(r).toMatchObject({
      code: "PAYMENT_REQUIRED",
      details: { limit: "members", max: 5, used: 5 },
    });
    // Re-inviting an address replaces its pending invitation: no new member.
    await api.invitation.create({ orgSlug: slug, email: invitees[0]!.email, role: "viewer" });
    // Accepting at the limit works: the invitation was already counted.
    for (const u of invitees.slice(0, 2))
      await callerFor(u).invitation.accept({ token: await inviteTokenFor(u.email) });
    expect(
      (await refusal(api.invitation.create({ orgSlug: slug, email: extra.email, role: "viewer" })))
        .code,
    ).toBe("PAYMENT_REQUIRED");
    await api.invitation.revoke({ orgSlug: slug, invitationId: invites[3]!.id });
    await api.invitation.create({ orgSlug: slug, email: extra.email, role: "viewer" });
  });

  it("stops enrollment at the device limit with a clear 402, spending nothing", async () => {
    const { api, slug } = await billedOrg();
    const site = await api.site.create({ orgSlug: slug, name: "HQ" });
    const token = await api.site.createToken({
      orgSlug: slug,
      siteId: site.id,
      maxUses: 10,
      autoApprove: false,
    });
    const enroll = async () => {
      const { csrPem } = await createDeviceKey();
      const res = await enrollHandler(
        new Request("http://localhost/api/fleet/enroll", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ token: token.token, csr: csrPem, hostname: "box" }),
        }),
      );
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const pending: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await enroll();
      expect(res.status).toBe(200);
      pending.push(String(res.json.deviceId));
    }
    const refused = await enroll();
    expect(refused).toMatchObject({
      status: 402,
      json: {
        error: { code: "PAYMENT_REQUIRED", message: expect.stringMatching(/allows 6 devices/) },
      },
    });
    expect((await api.device.list({ orgSlug: slug })).items).toHaveLength(6);
    expect((await api.site.tokens({ orgSlug: slug, siteId: site.id })).items[0]!.uses).toBe(6);
    // Approving a pending device at the limit is fine: it was counted when it enrolled.
    await api.device.approve({ orgSlug: slug, deviceId: pending[0]! });
  });

  it("raises the limits on subscribing, and a cancellation keeps everything but blocks adding", async () => {
    const org = await billedOrg();
    const { api, slug } = org;
    for (const name of ["A", "B", "C"]) await api.site.create({ orgSlug: slug, name });
    let from = stub.events.length;
    const sub = await subscribe(org, { sites: 3 });
    await deliverSince(from);
    expect((await accountOf(org.orgId)).planKey).toBe("standard");
    await api.site.create({ orgSlug: slug, name: "D" });

    from = stub.events.length;
    await stub.cancel(sub.id);
    await deliverSince(from);
    expect(await accountOf(org.orgId)).toMatchObject({
      planKey: "free",
      subscriptionStatus: "canceled",
    });
    expect((await api.site.list({ orgSlug: slug })).items).toHaveLength(4);
    const r = await refusal(api.site.create({ orgSlug: slug, name: "E" }));
    expect(r.message).toMatch(/Free plan allows 3 sites and this organization has 4/);
  });
});
