import { afterAll, describe, expect, it } from "vitest";
import { createDb, getDb } from "../../server/platform/db/client";
import { closeQueues } from "../../server/platform/jobs/queues";
import {
  addMember,
  callerFor,
  createOrgWithOwner,
  createUser,
  inviteTokenFor,
} from "../../testkit/factories/identity";

afterAll(closeQueues);

describe("organizations, members and invitations", () => {
  it("creates an org with the creator as owner and audits it", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const org = await callerFor(owner).org.get({ orgSlug: slug });
    expect(org.role).toBe("owner");
    const audit = await callerFor(owner).audit.list({ orgSlug: slug });
    expect(audit.items.map((a) => a.action)).toEqual(["org.create"]);
    expect(audit.items[0]).toMatchObject({
      actorKind: "user",
      actorId: owner.id,
      actorEmail: owner.email,
    });
  });

  it("refuses a taken slug with CONFLICT", async () => {
    const { owner, slug } = await createOrgWithOwner();
    await expect(callerFor(owner).org.create({ name: "Again", slug })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("invites, accepts once, and audits both", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const user = await createUser();
    await callerFor(owner).invitation.create({ orgSlug: slug, email: user.email, role: "viewer" });
    const token = await inviteTokenFor(user.email);
    const preview = await callerFor(null).invitation.byToken({ token });
    expect(preview).toMatchObject({ email: user.email, role: "viewer", status: "pending" });
    await callerFor(user).invitation.accept({ token });
    await expect(callerFor(user).invitation.accept({ token })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    const { items: members } = await callerFor(user).member.list({ orgSlug: slug });
    expect(members.map((m) => m.role).sort()).toEqual(["owner", "viewer"]);
    const actions = (await callerFor(owner).audit.list({ orgSlug: slug })).items.map(
      (a) => a.action,
    );
    expect(actions).toContain("invitation.create");
    expect(actions).toContain("invitation.accept");
  });

  it("stores only the hash of an invitation token", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const user = await createUser();
    await callerFor(owner).invitation.create({ orgSlug: slug, email: user.email, role: "viewer" });
    const token = await inviteTokenFor(user.email);
    const raw = await getDb().$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM invitations WHERE "tokenHash" = ${token}`;
    expect(Number(raw[0]!.n)).toBe(0);
  });

  it("refuses expired and revoked invitations", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const late = await createUser();
    const revoked = await createUser();
    await callerFor(owner).invitation.create({ orgSlug: slug, email: late.email, role: "viewer" });
    const lateToken = await inviteTokenFor(late.email);
    const org = await callerFor(owner).org.get({ orgSlug: slug });
    // Age the invitation past its expiry, as the owner connection (no RLS) can.
    const ownerDb = createDb(process.env.DATABASE_URL!);
    await ownerDb.invitation.updateMany({
      where: { orgId: org.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await ownerDb.$disconnect();
    await expect(callerFor(late).invitation.accept({ token: lateToken })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "This invitation is expired",
    });
    expect((await callerFor(owner).invitation.list({ orgSlug: slug })).items).toEqual([]);

    const inv = await callerFor(owner).invitation.create({
      orgSlug: slug,
      email: revoked.email,
      role: "viewer",
    });
    await callerFor(owner).invitation.revoke({ orgSlug: slug, invitationId: inv.id });
    await expect(
      callerFor(revoked).invitation.accept({ token: await inviteTokenFor(revoked.email) }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "This invitation is revoked" });
    expect((await callerFor(owner).member.list({ orgSlug: slug })).items.length).toBe(1);
  });

  it("refuses an invitation accepted by another address", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const invitee = await createUser();
    const other = await createUser();
    await callerFor(owner).invitation.create({
      orgSlug: slug,
      email: invitee.email,
      role: "admin",
    });
    const token = await inviteTokenFor(invitee.email);
    await expect(callerFor(other).invitation.accept({ token })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("protects the last owner from demotion and removal", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const [me] = (await callerFor(owner).member.list({ orgSlug: slug })).items;
    await expect(
      callerFor(owner).member.changeRole({ orgSlug: slug, membershipId: me!.id, role: "admin" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(
      callerFor(owner).member.remove({ orgSlug: slug, membershipId: me!.id }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    const second = await addMember(slug, owner, "owner");
    await callerFor(second).member.changeRole({
      orgSlug: slug,
      membershipId: me!.id,
      role: "admin",
    });
    const roles = (await callerFor(second).member.list({ orgSlug: slug })).items.map((m) => m.role);
    expect(roles.sort()).toEqual(["admin", "owner"]);
  });

  it("lets only owners grant the owner role", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const admin = await addMember(slug, owner, "admin");
    const viewer = await addMember(slug, owner, "viewer");
    const viewerRow = (await callerFor(admin).member.list({ orgSlug: slug })).items.find(
      (m) => m.userId === viewer.id,
    )!;
    await expect(
      callerFor(admin).member.changeRole({
        orgSlug: slug,
        membershipId: viewerRow.id,
        role: "owner",
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await callerFor(admin).member.changeRole({
      orgSlug: slug,
      membershipId: viewerRow.id,
      role: "operator",
    });
  });

  it("lets an MSP member act in a customer org with the MSP role", async () => {
    const { owner, slug } = await createOrgWithOwner("msp");
    const mspAdmin = await addMember(slug, owner, "admin");
    const customer = await callerFor(mspAdmin).org.createCustomer({
      orgSlug: slug,
      name: "Customer One",
      slug: `cust-${slug}`,
    });
    const inCustomer = await callerFor(mspAdmin).org.get({ orgSlug: customer.slug });
    expect(inCustomer).toMatchObject({ role: "admin", viaOrgSlug: slug, parentSlug: slug });
    const mine = await callerFor(mspAdmin).org.list();
    expect(mine.map((o) => o.slug)).toContain(customer.slug);
    // A customer-org member does not reach the MSP.
    const customerViewer = await addMember(customer.slug, mspAdmin, "viewer");
    await expect(callerFor(customerViewer).org.get({ orgSlug: slug })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("refuses customer orgs under a non-MSP org", async () => {
    const { owner, slug } = await createOrgWithOwner("standard");
    await expect(
      callerFor(owner).org.createCustomer({ orgSlug: slug, name: "Nope", slug: `c-${slug}` }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
