import { afterAll, describe, expect, it } from "vitest";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { callerFor, createOrgWithOwner } from "../../../testkit/factories/identity";

afterAll(closeQueues);

/** Bad input is a 400 with field messages, never a 500 and never a partial write. */
async function badRequest(call: Promise<unknown>) {
  const error = (await call.then(
    () => null,
    (e: unknown) => e,
  )) as { code?: string; cause?: unknown } | null;
  expect(error?.code).toBe("BAD_REQUEST");
  return error;
}

describe("bad input on org procedures", () => {
  it("refuses over-long, wrong-typed and unknown fields when creating an org", async () => {
    const { owner } = await createOrgWithOwner();
    const caller = callerFor(owner);
    await badRequest(caller.org.create({ name: "x".repeat(500), slug: "long-name" }));
    await badRequest(caller.org.create({ name: "Fine", slug: "Bad Slug!" }));
    await badRequest(caller.org.create({ name: 42 as unknown as string, slug: "typed" }));
    await badRequest(
      caller.org.create({ name: "Fine", slug: "extra-field", admin: true } as never),
    );
    await badRequest(caller.org.create({ name: "Fine", slug: "k", kind: "galaxy" } as never));
  });

  it("refuses bad invitations", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const caller = callerFor(owner);
    await badRequest(
      caller.invitation.create({ orgSlug: slug, email: "not-an-email", role: "viewer" }),
    );
    await badRequest(
      caller.invitation.create({ orgSlug: slug, email: `${"a".repeat(300)}@x.io`, role: "viewer" }),
    );
    await badRequest(
      caller.invitation.create({ orgSlug: slug, email: "a@b.io", role: "god" as never }),
    );
    await badRequest(
      caller.invitation.create({ orgSlug: slug, email: "a@b.io", role: "viewer", x: 1 } as never),
    );
    await badRequest(caller.invitation.accept({ token: "short" }));
    expect((await caller.invitation.list({ orgSlug: slug })).items).toEqual([]);
  });

  it("refuses bad org updates and member changes, and changes nothing", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const caller = callerFor(owner);
    await badRequest(caller.org.update({ orgSlug: slug, name: "" }));
    await badRequest(caller.org.update({ orgSlug: slug, slug: "-bad-" }));
    await badRequest(caller.org.update({ orgSlug: slug, kind: "msp" } as never));
    await badRequest(
      caller.member.changeRole({ orgSlug: slug, membershipId: 7 as never, role: "admin" }),
    );
    await badRequest(caller.org.get({ orgSlug: "x".repeat(500) }));
    const org = await caller.org.get({ orgSlug: slug });
    expect(org.slug).toBe(slug);
  });

  it("carries field messages to the client", async () => {
    const { owner } = await createOrgWithOwner();
    const error = (await callerFor(owner)
      .org.create({ name: "", slug: "UPPER CASE" })
      .catch((e) => e)) as { code: string; cause: { issues: { path: string[] }[] } };
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.cause.issues.map((i) => i.path.join("."))).toEqual(
      expect.arrayContaining(["name", "slug"]),
    );
  });
});
