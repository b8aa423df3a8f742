// authenticateApiKey: the one check the REST API runs per request. Refusals are 401s that
// say what is wrong; the key's own org comes back, whatever else the token holder knows.
import { afterAll, describe, expect, it } from "vitest";
import {
  authenticateApiKey,
  LAST_USED_EVERY_MS,
} from "../../../server/domains/identity/services/api-key/authenticate";
import { revokeApiKey } from "../../../server/domains/identity/services/api-key/revoke-api-key";
import { getDb } from "../../../server/platform/db/client";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { asOrg, keyOrg, ownerDb, refusal } from "./lib";

afterAll(async () => {
  await closeQueues();
  await ownerDb.$disconnect();
});

const auth = (token: string, ip = "198.51.100.7") => authenticateApiKey(getDb(), token, ip);
const reasonOf = async (call: Promise<unknown>) => {
  const r = await refusal(call);
  expect(r.code).toBe("UNAUTHORIZED");
  return r.details?.reason;
};

describe("authenticateApiKey", () => {
  it("answers the key's identity, bound to its own org", async () => {
    const a = await keyOrg();
    const b = await keyOrg();
    const { key, token } = await a.newKey({
      name: "A's bot",
      scopes: ["site.read", "policy.read"],
    });
    await b.newKey();
    expect(await auth(token)).toEqual({
      id: key.id,
      orgId: a.orgId,
      name: "A's bot",
      prefix: key.prefix,
      scopes: ["site.read", "policy.read"],
      createdById: a.owner.id,
    });
  });

  it("refuses malformed and unknown tokens without telling them apart from a guess", async () => {
    const o = await keyOrg();
    const { token } = await o.newKey();
    expect(await reasonOf(auth(""))).toBe("malformed");
    expect(await reasonOf(auth(`${token}x`))).toBe("malformed");
    expect(await reasonOf(auth(`Bearer ${token}`))).toBe("malformed");
    // The right prefix with another secret is just unknown: lookups are by the whole hash.
    const forged = `${token.slice(0, 13)}${"A".repeat(40)}`;
    expect(await reasonOf(auth(forged))).toBe("unknown");
    const r = await refusal(auth(forged));
    expect(r.message).not.toMatch(/revoked|expired|address/);
  });

  it("refuses a revoked key", async () => {
    const o = await keyOrg();
    const { key, token } = await o.newKey();
    await asOrg(o.orgId, (tx) => revokeApiKey(tx, o.owner, o.tenant(), { apiKeyId: key.id }));
    expect(await reasonOf(auth(token))).toBe("revoked");
  });

  it("refuses an expired key", async () => {
    const o = await keyOrg();
    const { key, token } = await o.newKey({ expiresInDays: 1 });
    await ownerDb.$executeRaw`
      UPDATE api_keys SET "expiresAt" = now() - interval '1 second' WHERE id = ${key.id}`;
    expect(await reasonOf(auth(token))).toBe("expired");
  });

  it("allows only the listed sources, IPv4 and IPv6", async () => {
    const o = await keyOrg();
    const { token } = await o.newKey({ allowedCidrs: ["203.0.113.0/24", "2001:db8::/48"] });
    expect((await auth(token, "203.0.113.200")).orgId).toBe(o.orgId);
    expect((await auth(token, "2001:db8:0:1::5")).orgId).toBe(o.orgId);
    expect(await reasonOf(auth(token, "198.51.100.1"))).toBe("address");
    expect(await reasonOf(auth(token, "2001:db9::1"))).toBe("address");
    expect(await reasonOf(auth(token, "unknown"))).toBe("address");
    const r = await refusal(auth(token, "198.51.100.1"));
    expect(r.message).toMatch(/not allowed from this address/);
    expect(r.message).not.toContain("203.0.113");
  });

  it("records the last use at most once a minute per key", async () => {
    const o = await keyOrg();
    const { key, token } = await o.newKey();
    const row = () =>
      ownerDb.apiKey.findUniqueOrThrow({
        where: { id: key.id, orgId: o.orgId },
        select: { lastUsedAt: true, lastUsedIp: true },
      });
    expect(await row()).toEqual({ lastUsedAt: null, lastUsedIp: null });
    await auth(token, "198.51.100.7");
    const first = await row();
    expect(first.lastUsedIp).toBe("198.51.100.7");
    expect(first.lastUsedAt).not.toBeNull();
    // Within the minute: neither the time nor the address is written again.
    await auth(token, "198.51.100.8");
    await auth(token, "198.51.100.9");
    expect(await row()).toEqual(first);
    // Once the last write is a minute old, the next use writes again.
    await ownerDb.$executeRaw`
      UPDATE api_keys SET "lastUsedAt" = "lastUsedAt" - ${`${LAST_USED_EVERY_MS + 1000} milliseconds`}::interval
      WHERE id = ${key.id}`;
    await auth(token, "198.51.100.10");
    expect((await row()).lastUsedIp).toBe("198.51.100.10");
  });

  it("finds keys only by token: the app role sees no key without its org or hash", async () => {
    const o = await keyOrg();
    await o.newKey();
    expect(await getDb().$transaction((tx) => tx.apiKey.count({ where: { orgId: o.orgId } }))).toBe(
      0,
    );
  });
});
