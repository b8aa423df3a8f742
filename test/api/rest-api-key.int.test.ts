// The REST API with an API key over a real HTTP server: a key reads and writes its own org,
// is refused elsewhere (404, like an org that does not exist), a read-only key is refused
// writes (403), a bad or missing key is 401 with a Bearer challenge, and the audit log
// names the key as the actor.
import { describe, expect, it } from "vitest";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { apiOrg, useApiServer } from "../../testkit/api-server";

const { call } = useApiServer();

describe("an API key", () => {
  it("lists, creates and reads in its own org, and the audit log names the key", async () => {
    const a = await apiOrg({ sites: 3 });
    const first = await call(a.token, "GET", `/orgs/${a.slug}/sites?limit=2`);
    expect(first.status).toBe(200);
    const page = (await first.json()) as { items: { name: string }[]; next: string | null };
    expect(page.items.map((s) => s.name)).toEqual(["site-00000", "site-00001"]);
    const rest = (await (
      await call(a.token, "GET", `/orgs/${a.slug}/sites?limit=2&cursor=${page.next}`)
    ).json()) as { items: { name: string }[]; next: string | null };
    expect(rest).toMatchObject({ items: [{ name: "site-00002" }], next: null });

    const created = await call(a.token, "POST", `/orgs/${a.slug}/sites`, { name: "by key" });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const entry = await withScope(getDb(), { orgId: a.org.id }, (tx) =>
      tx.auditLog.findFirstOrThrow({ where: { orgId: a.org.id, targetId: id } }),
    );
    expect(entry.actorKind).toBe("apiKey");
    expect(entry.actorEmail).toBeNull();
  });

  it("gets 404 for another org, as for one that does not exist", async () => {
    const a = await apiOrg();
    const b = await apiOrg({ sites: 1 });
    for (const path of [`/orgs/${b.slug}/sites`, `/orgs/no-such-org-${a.slug}/sites`]) {
      const res = await call(a.token, "GET", path);
      expect(res.status).toBe(404);
    }
    const bSite = (
      (await (await call(b.token, "GET", `/orgs/${b.slug}/sites`)).json()) as {
        items: { id: string }[];
      }
    ).items[0]!;
    expect((await call(a.token, "GET", `/orgs/${b.slug}/sites/${bSite.id}`)).status).toBe(404);
    expect((await call(a.token, "DELETE", `/orgs/${b.slug}/sites/${bSite.id}`)).status).toBe(404);
    expect((await call(a.token, "GET", `/orgs/${a.slug}/sites/${bSite.id}`)).status).toBe(404);
  });

  it("with read scopes only is refused writes with 403", async () => {
    const a = await apiOrg({ scopes: ["site.read"] });
    expect((await call(a.token, "GET", `/orgs/${a.slug}/sites`)).status).toBe(200);
    const res = await call(a.token, "POST", `/orgs/${a.slug}/sites`, { name: "nope" });
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("that is missing, malformed, unknown or revoked is 401 with a Bearer challenge", async () => {
    const a = await apiOrg();
    const revoked = await apiOrg();
    const owner = (await import("../../testkit/factories/identity")).callerFor(revoked.owner);
    const [key] = (await owner.apiKey.list({ orgSlug: revoked.slug })).items;
    await owner.apiKey.revoke({ orgSlug: revoked.slug, apiKeyId: key!.id });
    for (const token of [null, "nonsense", `${a.token.slice(0, -4)}AAAA`, revoked.token]) {
      const res = await call(token, "GET", `/orgs/${a.slug}/sites`);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
  });
});
