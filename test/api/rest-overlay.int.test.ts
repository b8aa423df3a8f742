// The REST routes of the overlay, policy rules and a site's install tokens, port forwards and
// services, over a real HTTP server with API keys: each resource is created, listed across
// two pages with the cursor, read, changed and deleted; a bad create is a 400 naming the
// field; another org's key gets 404 on every item route; a read-only key gets 403 on writes.
import { describe, expect, it } from "vitest";
import { apiOrg, useApiServer } from "../../testkit/api-server";
import { callerFor } from "../../testkit/factories/identity";

const server = useApiServer();

/** Calls as `token`. */
const client =
  (token: string) =>
  (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    server.call(token, method, path, body, headers);

type Org = Awaited<ReturnType<typeof apiOrg>> & { sites: [string, string] };
type Page = { items: { id: string }[]; next: string | null };

/** An org with two sites, the first with a WAN address (port forwards need one). */
async function org(): Promise<Org> {
  const o = await apiOrg({ sites: 2 });
  const call = client(o.token);
  const { items } = (await (await call("GET", `/orgs/${o.slug}/sites`)).json()) as Page;
  const sites = items.map((s) => s.id) as [string, string];
  const set = await call("PATCH", `/orgs/${o.slug}/sites/${sites[0]}`, {
    settings: { wanAddress: "203.0.113.1" },
  });
  expect(set.status).toBe(200);
  return { ...o, sites };
}

/** A key of `o` that may only read. */
async function readOnlyKey(o: Org) {
  const { token } = await callerFor(o.owner).apiKey.create({
    orgSlug: o.slug,
    name: "reader",
    scopes: ["site.read", "policy.read"],
  });
  return token;
}

interface Resource {
  name: string;
  /** Where it is listed and created (under /orgs/{slug}). */
  collection: (o: Org) => string;
  /** Where one is read and deleted. */
  item: string;
  body: (o: Org, i: number) => Record<string, unknown>;
  /** A change (PATCH on the item, or a PUT of a sub-resource) and what the item shows after. */
  change?: { method: "PATCH" | "PUT"; path?: string; body: Record<string, unknown> };
  bad: (o: Org) => { body: Record<string, unknown>; field: string };
  /** Items have no GET of their own (install tokens: only listed). */
  noGet?: boolean;
  deleteStatus?: number;
}

const RESOURCES: Resource[] = [
  {
    name: "SLA classes",
    collection: () => "/sla-classes",
    item: "/sla-classes",
    body: (_, i) => ({ name: `sla-${i}`, maxLatencyMs: 150, maxJitterMs: 30, maxLossPct: 1 }),
    change: { method: "PATCH", body: { maxLatencyMs: 90 } },
    bad: () => ({
      body: { name: "x", maxLatencyMs: -1, maxJitterMs: 1, maxLossPct: 1 },
      field: "maxLatencyMs",
    }),
  },
  {
    name: "application classes",
    collection: () => "/app-classes",
    item: "/app-classes",
    body: (_, i) => ({
      name: `app-${i}`,
      kind: "custom",
      match: [{ proto: "tcp", lo: 1000 + i, hi: 1000 + i }],
    }),
    change: { method: "PATCH", body: { dscp: 46 } },
    bad: () => ({ body: { name: "x", kind: "telepathy" }, field: "kind" }),
  },
  {
    name: "user groups",
    collection: () => "/user-groups",
    item: "/user-groups",
    body: (_, i) => ({ name: `group-${i}`, prefixes: [`10.${i}.0.0/24`] }),
    change: { method: "PATCH", body: { prefixes: ["10.99.0.0/24"] } },
    bad: () => ({ body: { name: "x", prefixes: ["10.0.0.0/33"] }, field: "prefixes.0" }),
  },
  {
    name: "steering policies",
    collection: () => "/steering-policies",
    item: "/steering-policies",
    body: (_, i) => ({ name: `policy-${i}`, priority: 10 + i, srcPrefixes: [`10.${i}.0.0/24`] }),
    change: { method: "PATCH", body: { enabled: false } },
    // The cross-field rule of the schema holds on the flat body too.
    bad: () => ({ body: { name: "x", priority: 1 }, field: "appClassId" }),
  },
  {
    name: "L2 segments",
    collection: () => "/l2-segments",
    item: "/l2-segments",
    body: (o, i) => ({
      name: `seg-${i}`,
      vni: 100 + i,
      members: [{ siteId: o.sites[1], interface: `eth${4 + i}` }],
    }),
    change: { method: "PATCH", body: { vni: 999 } },
    bad: (o) => ({
      body: { name: "x", vni: 0, members: [{ siteId: o.sites[1], interface: "eth9" }] },
      field: "vni",
    }),
  },
  {
    name: "WAN links",
    collection: (o) => `/sites/${o.sites[0]}/wan-links`,
    item: "/wan-links",
    body: (_, i) => ({ name: `wan-${i}`, kind: "fiber", interface: `wan${i}` }),
    change: { method: "PATCH", body: { cost: 42 } },
    bad: () => ({ body: { name: "x", kind: "pigeon", interface: "wan9" }, field: "kind" }),
  },
  {
    name: "policy rules",
    collection: () => "/policy-rules",
    item: "/policy-rules",
    body: (_, i) => ({ priority: 10 + i, action: "deny", src: "10.1.0.0/16", dst: "10.2.0.0/16" }),
    change: { method: "PATCH", body: { action: "allow" } },
    bad: () => ({
      body: { priority: 1, action: "deny", src: "nope", dst: "10.2.0.0/16" },
      field: "src",
    }),
  },
  {
    name: "port forwards",
    collection: (o) => `/sites/${o.sites[0]}/port-forwards`,
    item: "/port-forwards",
    body: (_, i) => ({ proto: "tcp", port: 8000 + i, toAddr: "10.0.0.5", toPort: 80 }),
    bad: () => ({
      body: { proto: "sctp", port: 1, toAddr: "10.0.0.5", toPort: 80 },
      field: "proto",
    }),
  },
  {
    name: "services",
    collection: (o) => `/sites/${o.sites[0]}/services`,
    item: "/services",
    body: (_, i) => ({
      name: `svc-${i}`,
      vip: "10.0.0.100",
      port: 80 + i,
      proto: "tcp",
      backends: [{ addr: "10.0.0.5", port: 80 }],
    }),
    change: {
      method: "PUT",
      path: "/backends",
      body: { backends: [{ addr: "10.0.0.6", port: 8080 }] },
    },
    bad: () => ({
      body: { name: "x", vip: "10.0.0.100", port: 80, proto: "tcp", backends: [] },
      field: "backends",
    }),
  },
  {
    name: "install tokens",
    collection: (o) => `/sites/${o.sites[0]}/install-tokens`,
    item: "/install-tokens",
    body: (_, i) => ({ maxUses: 1 + i }),
    bad: () => ({ body: { maxUses: 0 }, field: "maxUses" }),
    noGet: true,
    deleteStatus: 204,
  },
];

async function created(o: Org, r: Resource, n: number) {
  const call = client(o.token);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await call("POST", `/orgs/${o.slug}${r.collection(o)}`, r.body(o, i));
    expect(res.status, JSON.stringify(await res.clone().json())).toBe(201);
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

describe.each(RESOURCES)("$name over REST", (r) => {
  it("creates, lists two pages with the cursor, reads, changes and deletes", async () => {
    const o = await org();
    const call = client(o.token);
    const ids = await created(o, r, 3);
    const list = `/orgs/${o.slug}${r.collection(o)}`;
    const first = (await (await call("GET", `${list}?limit=2`)).json()) as Page;
    expect(first.items).toHaveLength(2);
    expect(first.next).toEqual(expect.any(String));
    const second = (await (
      await call("GET", `${list}?limit=2&cursor=${first.next}`)
    ).json()) as Page;
    expect(second.next).toBeNull();
    expect([...first.items, ...second.items].map((x) => x.id).sort()).toEqual([...ids].sort());

    const item = `/orgs/${o.slug}${r.item}/${ids[0]}`;
    if (!r.noGet) {
      const got = await call("GET", item);
      expect(got.status).toBe(200);
      expect(await got.json()).toMatchObject({ id: ids[0] });
    }
    if (r.change) {
      const changed = await call(r.change.method, `${item}${r.change.path ?? ""}`, r.change.body);
      expect(changed.status, JSON.stringify(await changed.clone().json())).toBe(200);
      expect(await (await call("GET", item)).json()).toMatchObject(r.change.body);
    }
    const removed = await call("DELETE", item);
    expect(removed.status).toBe(r.deleteStatus ?? 200);
    if (!r.noGet) expect((await call("GET", item)).status).toBe(404);
  });

  it("answers a bad create with 400 naming the field", async () => {
    const o = await org();
    const { body, field } = r.bad(o);
    const res = await client(o.token)("POST", `/orgs/${o.slug}${r.collection(o)}`, body);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { errors?: { path: string }[] };
    expect(problem.errors?.map((e) => e.path)).toContain(field);
  });

  it("is 404 on every item route for another org's key", async () => {
    const a = await org();
    const [id] = await created(a, r, 1);
    const b = await org();
    const asB = client(b.token);
    const change = r.change ?? { method: "PATCH" as const, body: {} };
    for (const slug of [a.slug, b.slug]) {
      const item = `/orgs/${slug}${r.item}/${id}`;
      const routes: [string, string, unknown?][] = [
        ["DELETE", item],
        ...(r.noGet ? [] : [["GET", item] as [string, string]]),
        ...(r.change
          ? [
              [change.method, `${item}${change.path ?? ""}`, change.body] as [
                string,
                string,
                unknown,
              ],
            ]
          : []),
      ];
      for (const [method, path, body] of routes)
        expect((await asB(method, path, body)).status, `${method} ${path}`).toBe(404);
    }
    // Still there for its own org.
    const own = client(a.token);
    if (!r.noGet) expect((await own("GET", `/orgs/${a.slug}${r.item}/${id}`)).status).toBe(200);
  });

  it("refuses writes to a key with read scopes only (403)", async () => {
    const a = await org();
    const [id] = await created(a, r, 1);
    const call = client(await readOnlyKey(a));
    const item = `/orgs/${a.slug}${r.item}/${id}`;
    expect((await call("POST", `/orgs/${a.slug}${r.collection(a)}`, r.body(a, 7))).status).toBe(
      403,
    );
    expect((await call("DELETE", item)).status).toBe(403);
    if (r.change)
      expect(
        (await call(r.change.method, `${item}${r.change.path ?? ""}`, r.change.body)).status,
      ).toBe(403);
  });
});

describe("overlay settings, a site's overlay role and the views over REST", () => {
  it("reads and patches the settings, sets a site's role, and draws the views", async () => {
    const o = await org();
    const call = client(o.token);
    const settings = `/orgs/${o.slug}/overlay-settings`;
    expect(await (await call("GET", settings)).json()).toMatchObject({ topology: "full_mesh" });
    // A PATCH changes what it names and keeps the rest.
    expect((await call("PATCH", settings, { holdDownSeconds: 60 })).status).toBe(200);
    expect((await call("PATCH", settings, { topology: "hub_spoke" })).status).toBe(200);
    expect(await (await call("GET", settings)).json()).toMatchObject({
      topology: "hub_spoke",
      holdDownSeconds: 60,
    });
    const bad = await call("PATCH", settings, { probeIntervalMs: 1 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe(
      "probeIntervalMs",
    );

    const role = await call("PUT", `/orgs/${o.slug}/sites/${o.sites[0]}/overlay`, {
      role: "hub",
      prefixes: ["10.1.0.0/24"],
    });
    expect(role.status).toBe(200);
    const topology = (await (await call("GET", `/orgs/${o.slug}/topology`)).json()) as {
      sites: { id: string; role: string }[];
    };
    expect(topology.sites.find((s) => s.id === o.sites[0])?.role).toBe("hub");
    const paths = await call("GET", `/orgs/${o.slug}/sites/${o.sites[0]}/paths`);
    expect(await paths.json()).toMatchObject({ site: { id: o.sites[0], role: "hub" }, paths: [] });
    const series = await call(
      "GET",
      `/orgs/${o.slug}/sites/${o.sites[0]}/paths/${o.sites[0]}~${o.sites[1]}/series?minutes=30`,
    );
    expect(await series.json()).toMatchObject({ points: [] });
    const incidents = await call(
      "GET",
      `/orgs/${o.slug}/path-events?siteId=${o.sites[0]}&order=desc`,
    );
    expect(await incidents.json()).toEqual({ items: [], next: null, total: 0 });
  });

  it("refuses a change made from a stale read (If-Match: 412)", async () => {
    const o = await org();
    const call = client(o.token);
    const [id] = await created(o, RESOURCES[0]!, 1);
    const item = `/orgs/${o.slug}/sla-classes/${id}`;
    const etag = (await call("GET", item)).headers.get("etag")!;
    expect((await call("PATCH", item, { maxJitterMs: 5 }, { "if-match": etag })).status).toBe(200);
    expect((await call("PATCH", item, { maxJitterMs: 6 }, { "if-match": etag })).status).toBe(412);
    expect((await call("DELETE", item, undefined, { "if-match": etag })).status).toBe(412);
  });

  it("is 404 on the views and settings for another org's key, 403 on writes for a reader", async () => {
    const a = await org();
    const b = await org();
    const asB = client(b.token);
    for (const path of [
      `/orgs/${a.slug}/overlay-settings`,
      `/orgs/${a.slug}/topology`,
      `/orgs/${a.slug}/path-events`,
      `/orgs/${b.slug}/sites/${a.sites[0]}/paths`,
      `/orgs/${b.slug}/sites/${a.sites[0]}/wan-links`,
      `/orgs/${b.slug}/path-events?siteId=${a.sites[0]}`,
    ])
      expect((await asB("GET", path)).status, path).toBe(404);
    const reader = client(await readOnlyKey(a));
    expect((await reader("GET", `/orgs/${a.slug}/overlay-settings`)).status).toBe(200);
    expect(
      (await reader("PATCH", `/orgs/${a.slug}/overlay-settings`, { holdDownSeconds: 1 })).status,
    ).toBe(403);
    const role = { role: "hub", prefixes: [] };
    expect((await reader("PUT", `/orgs/${a.slug}/sites/${a.sites[0]}/overlay`, role)).status).toBe(
      403,
    );
  });
});
