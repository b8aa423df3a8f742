// The apiKey router through createCaller with real contexts: roles, the scope picker, and
// another org's admin, who sees none of this org's keys and cannot revoke them.
import { afterAll, describe, expect, it } from "vitest";
import { authenticateApiKey } from "../../../server/domains/identity";
import { getDb } from "../../../server/platform/db/client";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { addMember, callerFor, createOrgWithOwner } from "../../../testkit/factories/identity";
import { ownerDb } from "./lib";

afterAll(async () => {
  await closeQueues();
  await ownerDb.$disconnect();
});

const input = (orgSlug: string, scopes = ["site.read"]) => ({
  orgSlug,
  name: "CI",
  scopes,
  allowedCidrs: [],
});

describe("apiKey router", () => {
  it("creates, lists and revokes; the token comes once and works until revoked", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const api = callerFor(owner);
    const { key, token } = await api.apiKey.create({ ...input(slug), expiresInDays: 90 });
    const { items: listed } = await api.apiKey.list({ orgSlug: slug });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: key.id, prefix: key.prefix, status: "active" });
    expect(JSON.stringify(listed)).not.toContain(token.split("_")[2]);
    expect((await authenticateApiKey(getDb(), token, "192.0.2.1")).id).toBe(key.id);
    const revoked = await api.apiKey.revoke({ orgSlug: slug, apiKeyId: key.id });
    expect(revoked.status).toBe("revoked");
    await expect(authenticateApiKey(getDb(), token, "192.0.2.1")).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });

  it("offers a developer only their own permissions, and refuses more with 403", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const developer = await addMember(slug, owner, "developer");
    const api = callerFor(developer);
    const offered = (await api.apiKey.scopes({ orgSlug: slug })).map((s) => s.name);
    expect(offered).toContain("apikey.write");
    expect(offered).not.toContain("member.invite");
    expect(offered).not.toContain("site.write");
    const refused = await api.apiKey.create(input(slug, ["member.invite"])).catch((e) => e);
    expect(refused).toMatchObject({ code: "FORBIDDEN" });
    expect(refused.message).toMatch(/member\.invite/);
    const viewer = await addMember(slug, owner, "viewer");
    await expect(callerFor(viewer).apiKey.list({ orgSlug: slug })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("answers bad input with 400 and the field", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const api = callerFor(owner);
    for (const [bad, field] of [
      [{ name: "" }, "name"],
      [{ name: "x".repeat(61) }, "name"],
      [{ scopes: [] }, "scopes"],
      [{ allowedCidrs: ["10.0.0.0/40"] }, "allowedCidrs.0"],
      [{ expiresInDays: 9999 }, "expiresInDays"],
    ] as [Record<string, unknown>, string][]) {
      const error = await api.apiKey.create({ ...input(slug), ...bad }).catch((e) => e);
      expect(error.code, JSON.stringify(bad)).toBe("BAD_REQUEST");
      // A zod issue's path, or the field an AppError's details name (errorFormatter's `fields`).
      const fields = error.cause?.issues
        ? error.cause.issues.map((i: { path: string[] }) => i.path.join("."))
        : Object.keys(error.cause?.details ?? {});
      expect(fields).toContain(field);
    }
  });

  it("keeps orgs apart: another org's admin gets NOT_FOUND, and keys authenticate to their own org", async () => {
    const a = await createOrgWithOwner();
    const b = await createOrgWithOwner();
    const adminB = await addMember(b.slug, b.owner, "admin");
    const { key, token } = await callerFor(a.owner).apiKey.create(input(a.slug));
    await callerFor(adminB).apiKey.create(input(b.slug));
    // B's admin names A's org: not a member, so A does not exist for them.
    const asB = callerFor(adminB).apiKey;
    for (const call of [
      () => asB.list({ orgSlug: a.slug }),
      () => asB.scopes({ orgSlug: a.slug }),
      () => asB.revoke({ orgSlug: a.slug, apiKeyId: key.id }),
      () => asB.create(input(a.slug)),
    ])
      await expect(call()).rejects.toMatchObject({ code: "NOT_FOUND" });
    // In their own org, A's key id is just not there.
    await expect(
      callerFor(adminB).apiKey.revoke({ orgSlug: b.slug, apiKeyId: key.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const { items: bKeys } = await callerFor(adminB).apiKey.list({ orgSlug: b.slug });
    expect(bKeys.map((k) => k.id)).not.toContain(key.id);
    expect(bKeys).toHaveLength(1);
    // A's key is untouched and speaks for A only.
    const identity = await authenticateApiKey(getDb(), token, "192.0.2.1");
    expect(identity.orgId).toBe(a.org.id);
    expect((await callerFor(a.owner).apiKey.list({ orgSlug: a.slug })).items[0]!.status).toBe(
      "active",
    );
  });
});
