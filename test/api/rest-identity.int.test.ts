// Identity over REST with API keys: the org, its members (paged, role changed, removed), its
// invitations (paged, revoked; only a person invites), an MSP's customers (paged) and the
// org's API keys (paged, scopes, revoked; only a person creates one). Another org's key gets
// 404 on every item route and a read-only key 403 on every write.
import { describe, expect, it } from "vitest";
import { allPages, apiKeyFor, apiOrg, type RestPage, useApiServer } from "../../testkit/api-server";
import { addMember, callerFor, createOrgWithOwner } from "../../testkit/factories/identity";

const { call } = useApiServer();

type Member = { id: string; email: string; role: string };

const json = async <T>(res: Response) => {
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
};

/** An org with a key, `members` members besides its owner and `invitations` pending. */
async function peopleOrg(opts: { members?: number; invitations?: number; scopes?: string[] }) {
  const o = await apiOrg({ scopes: opts.scopes });
  const api = callerFor(o.owner);
  for (let i = 0; i < (opts.members ?? 0); i++) await addMember(o.slug, o.owner, "viewer");
  const invited: string[] = [];
  for (let i = 0; i < (opts.invitations ?? 0); i++) {
    const email = `invitee-${i}-${o.slug}@example.test`;
    invited.push((await api.invitation.create({ orgSlug: o.slug, email, role: "viewer" })).id);
  }
  const members = (await api.member.list({ orgSlug: o.slug })).items;
  return { ...o, api, members, invited };
}

describe("the org and its people over REST", () => {
  it("reads and renames the org", async () => {
    const o = await apiOrg();
    expect(await json(await call(o.token, "GET", `/orgs/${o.slug}`))).toMatchObject({
      slug: o.slug,
      role: "owner",
      kind: "standard",
    });
    const renamed = await call(o.token, "PATCH", `/orgs/${o.slug}`, { name: "Renamed by key" });
    expect(await json(renamed)).toMatchObject({ slug: o.slug, name: "Renamed by key" });
    const bad = await call(o.token, "PATCH", `/orgs/${o.slug}`, { name: "" });
    expect(bad.status).toBe(400);
  });

  it("pages the members, changes a role and removes a member", async () => {
    const o = await peopleOrg({ members: 4 });
    const all = await allPages<Member>(call, o.token, `/orgs/${o.slug}/members`, 2);
    expect(all.pages).toBe(3);
    expect(all.items.map((m) => m.email)).toEqual(o.members.map((m) => m.email));
    expect(all.items[0]!.role).toBe("owner");

    const viewer = all.items[1]!;
    const path = `/orgs/${o.slug}/members/${viewer.id}`;
    expect(await json(await call(o.token, "PATCH", path, { role: "operator" }))).toEqual({
      id: viewer.id,
      role: "operator",
    });
    expect((await call(o.token, "PATCH", path, { role: "emperor" })).status).toBe(400);
    expect((await call(o.token, "DELETE", path)).status).toBe(204);
    expect((await call(o.token, "DELETE", path)).status).toBe(404);
    const left = await allPages<Member>(call, o.token, `/orgs/${o.slug}/members`, 50);
    expect(left.items.map((m) => m.id)).not.toContain(viewer.id);
  });

  it("pages pending invitations newest first, revokes one, and lets no key invite", async () => {
    const o = await peopleOrg({ invitations: 3 });
    const all = await allPages<{ id: string }>(call, o.token, `/orgs/${o.slug}/invitations`, 2);
    expect(all.pages).toBe(2);
    expect(all.items.map((i) => i.id)).toEqual([...o.invited].reverse());

    const invite = await call(o.token, "POST", `/orgs/${o.slug}/invitations`, {
      email: `by-key-${o.slug}@example.test`,
      role: "viewer",
    });
    expect(invite.status).toBe(403);
    expect(invite.headers.get("content-type")).toBe("application/problem+json");

    const path = `/orgs/${o.slug}/invitations/${o.invited[0]}`;
    expect((await call(o.token, "DELETE", path)).status).toBe(204);
    expect((await call(o.token, "DELETE", path)).status).toBe(404);
    const left = await allPages<{ id: string }>(call, o.token, `/orgs/${o.slug}/invitations`, 50);
    expect(left.items).toHaveLength(2);
  });

  it("pages an MSP's customers by name, which a customer's key cannot list", async () => {
    const msp = await createOrgWithOwner("msp");
    const asMsp = callerFor(msp.owner);
    for (const name of ["Charlie", "Alpha", "Bravo"])
      await asMsp.org.createCustomer({
        orgSlug: msp.slug,
        name,
        slug: `${name.toLowerCase()}-${msp.slug}`,
      });
    const key = await apiKeyFor(msp.owner, msp.slug);
    const all = await allPages<{ name: string; slug: string }>(
      call,
      key,
      `/orgs/${msp.slug}/customers`,
      2,
    );
    expect(all.pages).toBe(2);
    expect(all.items.map((c) => c.name)).toEqual(["Alpha", "Bravo", "Charlie"]);

    const customerKey = await apiKeyFor(msp.owner, all.items[0]!.slug);
    const climb = await call(customerKey, "GET", `/orgs/${msp.slug}/customers`);
    expect(climb.status).toBe(404);
  });
});

describe("API keys over REST", () => {
  it("pages the keys newest first, shows the scopes, revokes, and mints none", async () => {
    const o = await apiOrg();
    const others: string[] = [];
    for (let i = 0; i < 3; i++) others.push(await apiKeyFor(o.owner, o.slug, ["site.read"]));
    const all = await allPages<{ id: string; status: string }>(
      call,
      o.token,
      `/orgs/${o.slug}/api-keys`,
      3,
    );
    expect(all.pages).toBe(2);
    expect(all.items).toHaveLength(4);
    const listed = (await callerFor(o.owner).apiKey.list({ orgSlug: o.slug })).items;
    expect(all.items.map((k) => k.id)).toEqual(listed.map((k) => k.id));

    const scopes = await json<{ name: string }[]>(
      await call(o.token, "GET", `/orgs/${o.slug}/api-key-scopes`),
    );
    expect(scopes.map((s) => s.name)).toContain("site.read");

    const victim = all.items[0]!;
    const revoke = `/orgs/${o.slug}/api-keys/${victim.id}/revoke`;
    expect(await json(await call(o.token, "POST", revoke))).toMatchObject({ status: "revoked" });
    expect(await json(await call(o.token, "POST", revoke))).toMatchObject({ status: "revoked" });
    expect((await call(others[2]!, "GET", `/orgs/${o.slug}/sites`)).status).toBe(401);

    const mint = await call(o.token, "POST", `/orgs/${o.slug}/api-keys`, {
      name: "minted by a key",
      scopes: ["site.read"],
    });
    expect(mint.status).toBe(403);
  });
});

describe("identity isolation over REST", () => {
  it("gives another org's key 404 on every item route, under either org", async () => {
    const a = await peopleOrg({ members: 1, invitations: 1 });
    const b = await apiOrg();
    const member = a.members[1]!.id;
    const [aKey] = (await a.api.apiKey.list({ orgSlug: a.slug })).items;
    for (const slug of [a.slug, b.slug]) {
      const routes: [string, string, unknown?][] = [
        ["PATCH", `/orgs/${slug}/members/${member}`, { role: "admin" }],
        ["DELETE", `/orgs/${slug}/members/${member}`],
        ["DELETE", `/orgs/${slug}/invitations/${a.invited[0]}`],
        ["POST", `/orgs/${slug}/api-keys/${aKey!.id}/revoke`],
      ];
      for (const [method, path, body] of routes) {
        const res = await call(b.token, method, path, body);
        expect(res.status, `${method} ${path}`).toBe(404);
      }
    }
    for (const path of ["", "/members", "/invitations", "/customers", "/api-keys"])
      expect((await call(b.token, "GET", `/orgs/${a.slug}${path}`)).status).toBe(404);
    expect((await call(b.token, "PATCH", `/orgs/${a.slug}`, { name: "Taken" })).status).toBe(404);
    // Nothing moved in a.
    const after = await json<RestPage<Member>>(
      await call(a.token, "GET", `/orgs/${a.slug}/members`),
    );
    expect(after.items.map((m) => m.role)).toEqual(["owner", "viewer"]);
    expect(await json(await call(a.token, "GET", `/orgs/${a.slug}`))).toMatchObject({
      name: `Org ${a.slug}`,
    });
    const keys = await json<RestPage<{ status: string }>>(
      await call(a.token, "GET", `/orgs/${a.slug}/api-keys`),
    );
    expect(keys.items.map((k) => k.status)).toEqual(["active"]);
  });

  it("refuses every write to a read-only key with 403", async () => {
    const o = await peopleOrg({
      members: 1,
      invitations: 1,
      scopes: ["org.read", "member.read", "apikey.read"],
    });
    const member = o.members[1]!.id;
    expect((await call(o.token, "GET", `/orgs/${o.slug}/members`)).status).toBe(200);
    const [key] = (await o.api.apiKey.list({ orgSlug: o.slug })).items;
    const writes: [string, string, unknown?][] = [
      ["PATCH", `/orgs/${o.slug}`, { name: "Nope" }],
      ["PATCH", `/orgs/${o.slug}/members/${member}`, { role: "admin" }],
      ["DELETE", `/orgs/${o.slug}/members/${member}`],
      ["POST", `/orgs/${o.slug}/invitations`, { email: "x@example.test", role: "viewer" }],
      ["DELETE", `/orgs/${o.slug}/invitations/${o.invited[0]}`],
      ["POST", `/orgs/${o.slug}/api-keys`, { name: "nope", scopes: ["site.read"] }],
      ["POST", `/orgs/${o.slug}/api-keys/${key!.id}/revoke`],
    ];
    for (const [method, path, body] of writes) {
      const res = await call(o.token, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
    }
  });
});
