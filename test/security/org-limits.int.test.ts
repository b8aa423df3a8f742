// Class 12 of the hardening issue: plan limits cannot be multiplied. With billing on, one
// person owns at most FREE_ORGS_PER_USER free orgs (paid ones do not count), and an MSP's
// customer orgs are a limit of its plan. Through the procedures the portal calls, over
// real PostgreSQL. Before the fix any user could create free orgs, and a free MSP free
// customer orgs, without end: each brought its own free sites and devices.
import "../../testkit/stripe-env";
import { afterAll, describe, expect, it } from "vitest";
import { FREE_ORGS_PER_USER } from "../../server/domains/billing";
import { PLANS } from "../../server/domains/billing/services/plans";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { closeQueues } from "../../server/platform/jobs/queues";
import { getRedis } from "../../server/platform/redis";
import { asOrg } from "../../testkit/factories/billing";
import {
  addMember,
  callerFor,
  createOrgWithOwner,
  createUser,
  uid,
} from "../../testkit/factories/identity";

afterAll(async () => {
  await closeQueues();
  await getRedis().quit();
});

const newOrg = (
  user: Awaited<ReturnType<typeof createUser>>,
  kind: "standard" | "msp" = "standard",
) => callerFor(user).org.create({ name: "Org", slug: `lim-${uid()}`, kind });

const ownedBy = (userId: string) =>
  withScope(getDb(), { userId }, (tx) => tx.membership.count({ where: { userId, role: "owner" } }));

describe("free orgs per person", () => {
  it("stop at the limit with a 402 that says how to get more", async () => {
    const user = await createUser();
    for (let i = 0; i < FREE_ORGS_PER_USER; i++) await newOrg(user);
    await expect(newOrg(user, "msp")).rejects.toMatchObject({
      code: "PAYMENT_REQUIRED",
      message: expect.stringMatching(/free plan.*Upgrade/),
    });
    expect(await ownedBy(user.id)).toBe(FREE_ORGS_PER_USER);
  });

  it("cannot be passed by creating at the same time", async () => {
    const user = await createUser();
    const results = await Promise.allSettled(
      Array.from({ length: FREE_ORGS_PER_USER + 3 }, () => newOrg(user)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(FREE_ORGS_PER_USER);
    expect(await ownedBy(user.id)).toBe(FREE_ORGS_PER_USER);
  });

  it("do not count paid orgs", async () => {
    const user = await createUser();
    const first = await newOrg(user);
    await asOrg(first.id, (tx) =>
      tx.billingAccount.create({ data: { orgId: first.id, planKey: "standard" } }),
    );
    for (let i = 0; i < FREE_ORGS_PER_USER; i++) await newOrg(user);
    expect(await ownedBy(user.id)).toBe(FREE_ORGS_PER_USER + 1);
  });

  it("are counted by creator: handing ownership away frees no slot", async () => {
    const creator = await createUser();
    const orgs = [];
    for (let i = 0; i < FREE_ORGS_PER_USER; i++) orgs.push(await newOrg(creator));
    for (const org of orgs) {
      const puppet = await addMember(org.slug, creator, "owner");
      const { items: members } = await callerFor(puppet).member.list({ orgSlug: org.slug });
      const mine = members.find((m) => m.userId === creator.id)!;
      await callerFor(puppet).member.changeRole({
        orgSlug: org.slug,
        membershipId: mine.id,
        role: "admin",
      });
    }
    expect(await ownedBy(creator.id)).toBe(0);
    await expect(newOrg(creator)).rejects.toMatchObject({ code: "PAYMENT_REQUIRED" });
  });

  it("are counted per person: another user is not affected", async () => {
    const [a, b] = [await createUser(), await createUser()];
    for (let i = 0; i < FREE_ORGS_PER_USER; i++) await newOrg(a);
    await expect(newOrg(a)).rejects.toMatchObject({ code: "PAYMENT_REQUIRED" });
    await expect(newOrg(b)).resolves.toMatchObject({ kind: "standard" });
  });
});

describe("an MSP's customer orgs", () => {
  it("stop at its plan's limit, and the limit is the MSP's alone", async () => {
    const msp = await createOrgWithOwner("msp");
    const other = await createOrgWithOwner("msp");
    const api = callerFor(msp.owner);
    const limit = PLANS.free.limits.customerOrgs;
    for (let i = 0; i < limit; i++)
      await api.org.createCustomer({ orgSlug: msp.slug, name: "Customer", slug: `cu-${uid()}` });
    await expect(
      api.org.createCustomer({ orgSlug: msp.slug, name: "One more", slug: `cu-${uid()}` }),
    ).rejects.toMatchObject({
      code: "PAYMENT_REQUIRED",
      message: expect.stringMatching(/customer organizations/),
    });
    expect(await getDb().organization.count({ where: { parentId: msp.org.id } })).toBe(limit);
    await expect(
      callerFor(other.owner).org.createCustomer({
        orgSlug: other.slug,
        name: "Theirs",
        slug: `cu-${uid()}`,
      }),
    ).resolves.toMatchObject({ kind: "standard" });
  });
});
