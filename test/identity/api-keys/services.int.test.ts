// API keys through their services: what is stored, what a key may be given, revocation,
// and the audit log. The ladder and other orgs: router.int.test.ts.
import { afterAll, describe, expect, it } from "vitest";
import { listApiKeys } from "../../../server/domains/identity/services/api-key/list-api-keys";
import { revokeApiKey } from "../../../server/domains/identity/services/api-key/revoke-api-key";
import { hashApiKeyToken } from "../../../server/domains/identity/services/api-key/token";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { addMember } from "../../../testkit/factories/identity";
import { asOrg, keyOrg, ownerDb, refusal } from "./lib";

afterAll(async () => {
  await closeQueues();
  await ownerDb.$disconnect();
});

describe("API keys", () => {
  it("creates a key whose token is shown once and stored only as its hash", async () => {
    const o = await keyOrg();
    const { key, token } = await o.newKey({
      name: "  Deploy bot ",
      scopes: ["site.write", "site.read"],
    });
    expect(token).toMatch(/^pat_[0-9A-Za-z]{8}_[0-9A-Za-z]{40}$/);
    expect(token.startsWith(`${key.prefix}_`)).toBe(true);
    expect(key).toMatchObject({
      name: "Deploy bot",
      scopes: ["site.read", "site.write"], // the permission map's order, deduplicated
      status: "active",
      createdByEmail: o.owner.email,
      expiresAt: null,
      allowedCidrs: [],
    });
    expect(key).not.toHaveProperty("secretHash");
    // Nothing the database holds for the org carries the token or its secret part.
    const secret = token.split("_")[2]!;
    const [row] = await ownerDb.$queryRaw<Record<string, unknown>[]>`
      SELECT * FROM api_keys WHERE id = ${key.id}`;
    expect(row!.secretHash).toBe(hashApiKeyToken(token));
    const audit = await ownerDb.auditLog.findMany({ where: { orgId: o.orgId } });
    const stored = JSON.stringify([row, audit]);
    expect(stored).not.toContain(secret);
    expect(JSON.stringify(audit)).not.toContain(hashApiKeyToken(token));
    expect(audit.map((a) => a.action)).toContain("apikey.create");
  });

  it("lists keys newest first, with status, and never a hash", async () => {
    const o = await keyOrg();
    const first = await o.newKey({ name: "first" });
    const second = await o.newKey({ name: "second", expiresInDays: 30 });
    await asOrg(o.orgId, (tx) => revokeApiKey(tx, o.owner, o.tenant(), { apiKeyId: first.key.id }));
    const { items: list } = await asOrg(o.orgId, (tx) =>
      listApiKeys(tx, o.orgId, { limit: 50, sort: "createdAt", order: "desc" }),
    );
    expect(list.map((k) => [k.name, k.status])).toEqual([
      ["second", "active"],
      ["first", "revoked"],
    ]);
    expect(list[0]!.expiresAt).toEqual(second.key.expiresAt);
    expect(JSON.stringify(list)).not.toContain(hashApiKeyToken(first.token));
  });

  it("revokes idempotently: a second revoke answers the same key and logs nothing more", async () => {
    const o = await keyOrg();
    const { key } = await o.newKey();
    const revoke = () =>
      asOrg(o.orgId, (tx) => revokeApiKey(tx, o.owner, o.tenant(), { apiKeyId: key.id }));
    const once = await revoke();
    const twice = await revoke();
    expect(once.status).toBe("revoked");
    expect(twice.revokedAt).toEqual(once.revokedAt);
    const actions = await ownerDb.auditLog.findMany({
      where: { orgId: o.orgId, action: "apikey.revoke" },
    });
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ actorId: o.owner.id, targetId: key.id });
    expect(
      (
        await refusal(
          asOrg(o.orgId, (tx) => revokeApiKey(tx, o.owner, o.tenant(), { apiKeyId: "missing" })),
        )
      ).code,
    ).toBe("NOT_FOUND");
  });

  it("gives a key at most its creator's permissions: 403 naming the scope", async () => {
    const o = await keyOrg();
    const developer = await addMember(o.slug, o.owner, "developer");
    const r = await refusal(
      o.newKey({ scopes: ["site.read", "member.invite"] }, developer, "developer"),
    );
    expect(r.code).toBe("FORBIDDEN");
    expect(r.message).toMatch(/member\.invite/);
    const ok = await o.newKey({ scopes: ["apikey.read", "site.read"] }, developer, "developer");
    expect(ok.key.scopes).toEqual(["apikey.read", "site.read"]);
  });

  it("refuses unknown or no scopes with a 400 naming the field", async () => {
    const o = await keyOrg();
    expect(await refusal(o.newKey({ scopes: ["site.fly"] }))).toMatchObject({
      code: "BAD_REQUEST",
      details: { scopes: expect.stringMatching(/site\.fly/) },
    });
    expect((await refusal(o.newKey({ scopes: [] }))).details).toHaveProperty("scopes");
  });

  it("lets only people create keys: an API key principal gets 403", async () => {
    const o = await keyOrg();
    const { key } = await o.newKey({ scopes: ["apikey.write", "apikey.read"] });
    const asKey = { kind: "apiKey" as const, id: key.id, orgId: o.orgId, scopes: key.scopes };
    const r = await refusal(o.newKey({ scopes: ["apikey.read"] }, asKey, "owner"));
    expect(r.code).toBe("FORBIDDEN");
    expect(r.message).toMatch(/person/);
  });

  it("takes an expiry in the future and at most two years away, or none", async () => {
    const o = await keyOrg();
    const day = 86_400_000;
    const soon = new Date(Date.now() + 7 * day);
    expect((await o.newKey({ expiresAt: soon })).key.expiresAt).toEqual(soon);
    for (const bad of [
      { expiresAt: new Date(Date.now() - day) },
      { expiresAt: new Date(Date.now() + 800 * day) },
      { expiresInDays: 0 },
      { expiresInDays: 731 },
      { expiresAt: soon, expiresInDays: 30 },
    ]) {
      expect((await refusal(o.newKey(bad))).code, JSON.stringify(bad)).toBe("BAD_REQUEST");
    }
  });

  it("canonicalises allowed CIDRs and refuses garbage naming the entry", async () => {
    const o = await keyOrg();
    const { key } = await o.newKey({
      allowedCidrs: ["10.1.2.3/8", "2001:DB8:0:0::1/32", "203.0.113.7", " 10.0.0.0/8 "],
    });
    expect(key.allowedCidrs).toEqual(["10.0.0.0/8", "2001:db8::/32", "203.0.113.7/32"]);
    for (const [bad, field] of [
      [["10.0.0.0/33"], "allowedCidrs.0"],
      [["10.0.0.0/8", "not-an-ip"], "allowedCidrs.1"],
      [["fe80::1%eth0"], "allowedCidrs.0"],
      [Array.from({ length: 21 }, (_, i) => `10.0.${i}.0/24`), "allowedCidrs"],
    ] as const) {
      const r = await refusal(o.newKey({ allowedCidrs: [...bad] }));
      expect(r.code).toBe("BAD_REQUEST");
      expect(Object.keys(r.details ?? {})).toEqual([field]);
    }
  });
});
