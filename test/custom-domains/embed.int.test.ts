// Signed embed tokens: what a token shows (its own org only), and every way one is refused.
import { describe, expect, it } from "vitest";
import { embedDashboard, embedFrameAncestors } from "../../server/api/embed";
import { signEmbedToken } from "../../server/domains/custom-domains/embed/token";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { env } from "../../server/platform/env";
import { callerFor, createOrgWithOwner } from "../../testkit/factories/identity";

async function orgWithSites(sites: number) {
  const org = await createOrgWithOwner();
  const api = callerFor(org.owner);
  for (let i = 0; i < sites; i++) await api.site.create({ orgSlug: org.slug, name: `Site ${i}` });
  return { ...org, api };
}

const hour = () => Math.floor(Date.now() / 1000) + 3600;

describe("embed tokens", () => {
  it("a token shows its org's dashboard, and never another org's", async () => {
    const a = await orgWithSites(2);
    const b = await orgWithSites(3);
    const { token } = await a.api.embed.createToken({ orgSlug: a.slug, expiresInMinutes: 60 });
    const view = await embedDashboard(token);
    expect("overview" in view && view.overview.orgName).toBe(a.org.name);
    expect("overview" in view && view.overview.sites.total).toBe(2);
    const tokenB = (await b.api.embed.createToken({ orgSlug: b.slug })).token;
    const viewB = await embedDashboard(tokenB);
    expect("overview" in viewB && viewB.overview.sites.total).toBe(3);
  });

  it("refuses tampered, expired, wrong-scope and rotated tokens with a reason", async () => {
    const a = await orgWithSites(0);
    const b = await orgWithSites(0);
    const { token } = await a.api.embed.createToken({ orgSlug: a.slug, expiresInMinutes: 5 });
    const [body, signature] = token.split(".") as [string, string];
    // The payload re-pointed at another org, with the old signature.
    const forged = JSON.parse(Buffer.from(body, "base64url").toString());
    forged.o = b.org.id;
    const tampered = `${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${signature}`;
    const refusals: [string, string][] = [
      [tampered, "not valid"],
      [`${body}.${signature.slice(0, -2)}`, "not valid"],
      ["garbage", "not valid"],
      ["%E0%A4%A", "not valid"],
      [signEmbedToken({ orgId: a.org.id, scope: "overview", exp: 1, keyVersion: 1 }), "expired"],
      [
        signEmbedToken({ orgId: a.org.id, scope: "sites" as never, exp: hour(), keyVersion: 1 }),
        "not valid",
      ],
    ];
    for (const [bad, reason] of refusals) {
      const view = await embedDashboard(bad);
      expect("problem" in view && view.problem).toContain(reason);
    }
    await a.api.embed.rotateKey({ orgSlug: a.slug });
    const rotated = await embedDashboard(token);
    expect("problem" in rotated && rotated.problem).toContain("revoked");
    const fresh = (await a.api.embed.createToken({ orgSlug: a.slug })).token;
    expect("overview" in (await embedDashboard(fresh))).toBe(true);
  });

  it("caps a token's life at 7 days and validates embed origins", async () => {
    const a = await orgWithSites(0);
    await expect(
      a.api.embed.createToken({ orgSlug: a.slug, expiresInMinutes: 7 * 24 * 60 + 1 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const saved = env.APP_URL;
    // A portal served over https (production) is framed by https pages only.
    Object.assign(env, { APP_URL: "https://app.patronus.example" });
    try {
      for (const origins of [["http://insecure.example"], ["https://x.example/path"], ["nope"]])
        await expect(a.api.embed.setOrigins({ orgSlug: a.slug, origins })).rejects.toMatchObject({
          code: "BAD_REQUEST",
        });
    } finally {
      Object.assign(env, { APP_URL: saved });
    }
  });

  it("frame-ancestors are the token's org's origins, and 'none' for a bad token", async () => {
    const a = await orgWithSites(0);
    const b = await orgWithSites(0);
    await a.api.embed.setOrigins({ orgSlug: a.slug, origins: ["https://msp-a.example"] });
    await b.api.embed.setOrigins({ orgSlug: b.slug, origins: ["https://msp-b.example:8443"] });
    const tokenA = (await a.api.embed.createToken({ orgSlug: a.slug })).token;
    const tokenB = (await b.api.embed.createToken({ orgSlug: b.slug })).token;
    expect(await embedFrameAncestors(tokenA)).toBe("https://msp-a.example");
    expect(await embedFrameAncestors(tokenB)).toBe("https://msp-b.example:8443");
    expect(await embedFrameAncestors("garbage")).toBe("'none'");
    await a.api.embed.rotateKey({ orgSlug: a.slug });
    expect(await embedFrameAncestors(tokenA)).toBe("'none'");
    const audit = await withScope(getDb(), { orgId: a.org.id }, (tx) =>
      tx.auditLog.findMany({ where: { orgId: a.org.id, action: { startsWith: "embed." } } }),
    );
    expect(audit.map((e) => e.action).sort()).toEqual(
      ["embed.create_token", "embed.origins", "embed.rotate_key"].sort(),
    );
  });
});
