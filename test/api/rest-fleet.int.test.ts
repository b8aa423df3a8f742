// The fleet over REST with API keys: devices (paged, filtered, approved, rejected, revoked,
// their quarantined messages and alerts) and rollouts (paged newest first, read, status,
// settings, rollback). Another org's key gets 404 on every item route, a read-only key 403
// on every write, and an MSP's key reaches its customers' devices while a customer's key
// reaches neither its MSP nor a sibling. Devices are rows (no broker, no agent); rollouts
// come from the real compile, run here as the compile job's handler runs it.
import { describe, expect, it } from "vitest";
import { createDeviceKey } from "../../protocol/crypto/device-key";
import { compileOrg } from "../../server/domains/fleet/compile/compile-org";
import { getDb } from "../../server/platform/db/client";
import { allPages, apiKeyFor, apiOrg, type RestPage, useApiServer } from "../../testkit/api-server";
import { createDeviceRows, quarantineMessages } from "../../testkit/factories/fleet-db";
import { callerFor, createOrgWithOwner } from "../../testkit/factories/identity";
import { addRule } from "../../testkit/factories/tenant";

const { call } = useApiServer();

type Device = { id: string; hostname: string; status: string; online: boolean; siteId: string };
type Rollout = { id: string; revision: number; status: string };

/** An org with a key, two sites and devices in several states. */
async function fleetOrg(opts: { scopes?: string[] } = {}) {
  const o = await apiOrg({ sites: 2, scopes: opts.scopes });
  const api = callerFor(o.owner);
  const [hq, branch] = (await api.site.list({ orgSlug: o.slug })).items;
  const { csrPem } = await createDeviceKey();
  const [a, b, c] = await createDeviceRows(o.org.id, hq!.id, [
    { hostname: "hq-a", online: true },
    { hostname: "hq-b" },
    { hostname: "hq-c", status: "pending", pendingCsr: csrPem },
  ]);
  const [d, e] = await createDeviceRows(o.org.id, branch!.id, [
    { hostname: "br-d", online: true },
    { hostname: "br-e", status: "pending", pendingCsr: csrPem },
  ]);
  return { ...o, api, hq: hq!, branch: branch!, ids: { a: a!, b: b!, c: c!, d: d!, e: e! } };
}

const json = async <T>(res: Response) => {
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
};

describe("devices over REST", () => {
  it("pages by hostname across every page, and filters by site, status and presence", async () => {
    const o = await fleetOrg();
    const base = `/orgs/${o.slug}/devices`;
    const all = await allPages<Device>(call, o.token, `${base}?sort=hostname`, 2);
    expect(all.pages).toBe(3);
    expect(all.items.map((d) => d.hostname)).toEqual(["br-d", "br-e", "hq-a", "hq-b", "hq-c"]);
    const desc = await allPages<Device>(call, o.token, `${base}?sort=createdAt&order=desc`, 3);
    expect(desc.items.map((d) => d.hostname)).toEqual(["br-e", "br-d", "hq-c", "hq-b", "hq-a"]);

    const names = async (query: string) =>
      (await json<RestPage<Device>>(await call(o.token, "GET", `${base}?${query}`))).items
        .map((d) => d.hostname)
        .sort();
    expect(await names(`siteId=${o.hq.id}`)).toEqual(["hq-a", "hq-b", "hq-c"]);
    expect(await names("status=pending")).toEqual(["br-e", "hq-c"]);
    expect(await names("online=true")).toEqual(["br-d", "hq-a"]);
    expect(await names(`online=false&status=active&siteId=${o.hq.id}`)).toEqual(["hq-b"]);

    const one = await json<Device>(await call(o.token, "GET", `${base}/${o.ids.a}`));
    expect(one).toMatchObject({ hostname: "hq-a", siteId: o.hq.id, status: "active" });
  });

  it("answers 400 for a bad filter, sort, page size or cursor, never 500", async () => {
    const o = await fleetOrg();
    const base = `/orgs/${o.slug}/devices`;
    for (const query of [
      "status=lost",
      "online=maybe",
      "sort=pendingCsr",
      "limit=0",
      "limit=501",
      "cursor=not*a*cursor",
      "cursor=bm90IGpzb24",
    ]) {
      const res = await call(o.token, "GET", `${base}?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    const kind = await call(o.token, "DELETE", `${base}/${o.ids.a}/alerts/no_such_kind`);
    expect(kind.status).toBe(400);
  });

  it("approves, rejects and revokes, each once", async () => {
    const o = await fleetOrg();
    const base = `/orgs/${o.slug}/devices`;
    expect((await call(o.token, "POST", `${base}/${o.ids.c}/approve`)).status).toBe(204);
    expect((await call(o.token, "POST", `${base}/${o.ids.e}/reject`)).status).toBe(204);
    expect((await call(o.token, "POST", `${base}/${o.ids.a}/revoke`)).status).toBe(204);
    const status = async (id: string) =>
      (await json<Device>(await call(o.token, "GET", `${base}/${id}`))).status;
    expect(await status(o.ids.c)).toBe("active");
    expect(await status(o.ids.e)).toBe("rejected");
    expect(await status(o.ids.a)).toBe("revoked");
    // Only a pending device is approved or rejected.
    const again = await call(o.token, "POST", `${base}/${o.ids.c}/approve`);
    expect(again.status).toBe(409);
    expect((await call(o.token, "POST", `${base}/${o.ids.b}/reject`)).status).toBe(409);
  });

  it("pages a device's quarantined messages newest first and dismisses them", async () => {
    const o = await fleetOrg();
    await quarantineMessages(o.org.id, o.ids.a, 5);
    const path = `/orgs/${o.slug}/devices/${o.ids.a}/quarantine`;
    const all = await allPages<{ error: string }>(call, o.token, path, 2);
    expect(all.pages).toBe(3);
    expect(all.items.map((m) => m.error)).toEqual([4, 3, 2, 1, 0].map((i) => `bad message ${i}`));

    const alert = `/orgs/${o.slug}/devices/${o.ids.a}/alerts/quarantined_messages`;
    expect((await call(o.token, "DELETE", alert)).status).toBe(204);
    expect(await json<RestPage>(await call(o.token, "GET", path))).toEqual({
      items: [],
      next: null,
    });
  });
});

/** An org with 3 active devices and `rules` intent changes, each compiled into a rollout. */
async function rolloutOrg(rules: number, scopes?: string[]) {
  const o = await apiOrg({ sites: 1, scopes });
  const api = callerFor(o.owner);
  const [site] = (await api.site.list({ orgSlug: o.slug })).items;
  await createDeviceRows(o.org.id, site!.id, [
    { hostname: "r-1" },
    { hostname: "r-2" },
    { hostname: "r-3" },
  ]);
  const tenant = { orgId: o.org.id, slug: o.slug, caller: api, siteId: site!.id };
  await compileOrg(getDb(), o.org.id);
  for (let n = 1; n <= rules; n++) {
    await addRule(tenant, n);
    await compileOrg(getDb(), o.org.id);
  }
  return o;
}

describe("rollouts over REST", () => {
  it("pages newest first, reads one, shows the status and changes the settings", async () => {
    const o = await rolloutOrg(4);
    const base = `/orgs/${o.slug}/rollouts`;
    const all = await allPages<Rollout>(call, o.token, base, 2);
    expect(all.pages).toBe(3);
    const revisions = all.items.map((r) => r.revision);
    expect(revisions).toHaveLength(5);
    expect(revisions).toEqual([...revisions].sort((x, y) => y - x));
    const oldest = await allPages<Rollout>(call, o.token, `${base}?order=asc`, 10);
    expect(oldest.items.map((r) => r.revision)).toEqual([...revisions].reverse());

    const newest = all.items[0]!;
    const one = await json<Rollout & { devices: unknown[] }>(
      await call(o.token, "GET", `${base}/${newest.id}`),
    );
    expect(one).toMatchObject({ id: newest.id, revision: newest.revision });
    expect(one.devices).toHaveLength(3);

    const status = `/orgs/${o.slug}/rollout-status`;
    expect(await json(await call(o.token, "GET", status))).toMatchObject({
      revision: newest.revision,
      compiled: newest.revision,
      devices: { active: 3, online: 0, pending: 0 },
    });
    const settings = { canaryPercent: 50, failureThreshold: 3 };
    const put = await call(o.token, "PUT", `/orgs/${o.slug}/rollout-settings`, settings);
    expect(put.status).toBe(204);
    expect(await json(await call(o.token, "GET", status))).toMatchObject(settings);
    const bad = await call(o.token, "PUT", `/orgs/${o.slug}/rollout-settings`, {
      canaryPercent: 101,
      failureThreshold: 0,
    });
    expect(bad.status).toBe(400);
  });

  it("promotes a canary stage to every device of the rollout, once", async () => {
    const o = await rolloutOrg(2);
    const base = `/orgs/${o.slug}/rollouts`;
    const [newest, older] = (await json<RestPage<Rollout>>(await call(o.token, "GET", base))).items;
    type View = Rollout & { devices: { isCanary: boolean; state: string }[] };
    const before = await json<View>(await call(o.token, "GET", `${base}/${newest!.id}`));
    expect(before.status).toBe("canary");
    expect(before.devices.filter((d) => !d.isCanary).map((d) => d.state)).toEqual([
      "waiting",
      "waiting",
    ]);
    const promoted = await json<View>(await call(o.token, "POST", `${base}/${newest!.id}/promote`));
    expect(promoted.status).toBe("rolling");
    expect(promoted.devices.map((d) => d.state)).toEqual(["pending", "pending", "pending"]);
    expect((await call(o.token, "POST", `${base}/${newest!.id}/promote`)).status).toBe(409);
    expect(older!.status).toBe("superseded");
    expect((await call(o.token, "POST", `${base}/${older!.id}/promote`)).status).toBe(409);
  });

  it("rolls back to the revision before a rollout, as a new revision", async () => {
    const o = await rolloutOrg(2);
    const { items } = await json<RestPage<Rollout>>(
      await call(o.token, "GET", `/orgs/${o.slug}/rollouts`),
    );
    const newest = items[0]!;
    const res = await call(o.token, "POST", `/orgs/${o.slug}/rollouts/${newest.id}/rollback`);
    expect(await json(res)).toEqual({
      revision: newest.revision + 1,
      restored: newest.revision - 1,
    });
    const rules = await callerFor(o.owner).policy.list({ orgSlug: o.slug });
    expect(JSON.stringify(rules)).not.toContain("fault test rule 2");
  });
});

describe("fleet isolation over REST", () => {
  it("gives another org's key 404 on every item route, under either org", async () => {
    const a = await fleetOrg();
    await quarantineMessages(a.org.id, a.ids.a, 1);
    const b = await rolloutOrg(1);
    const aRollouts = await rolloutOrg(1);
    const [rollout] = (
      await json<RestPage<Rollout>>(
        await call(aRollouts.token, "GET", `/orgs/${aRollouts.slug}/rollouts`),
      )
    ).items;
    const dev = (slug: string) => `/orgs/${slug}/devices/${a.ids.c}`;
    const ro = (slug: string) => `/orgs/${slug}/rollouts/${rollout!.id}`;
    for (const slug of [a.slug, b.slug, aRollouts.slug]) {
      const routes: [string, string][] = [
        ["GET", dev(slug)],
        ["GET", `${dev(slug)}/quarantine`],
        ["DELETE", `${dev(slug)}/alerts/quarantined_messages`],
        ["POST", `${dev(slug)}/approve`],
        ["POST", `${dev(slug)}/reject`],
        ["POST", `${dev(slug)}/revoke`],
        ["GET", ro(slug)],
        ["POST", `${ro(slug)}/rollback`],
        ["POST", `${ro(slug)}/promote`],
      ];
      for (const [method, path] of routes) {
        const res = await call(b.token, method, path);
        expect(res.status, `${method} ${path}`).toBe(404);
      }
    }
    for (const path of ["devices", "rollouts", "rollout-status"]) {
      expect((await call(b.token, "GET", `/orgs/${a.slug}/${path}`)).status).toBe(404);
    }
    expect(
      (
        await call(b.token, "PUT", `/orgs/${a.slug}/rollout-settings`, {
          canaryPercent: 1,
          failureThreshold: 1,
        })
      ).status,
    ).toBe(404);
    // Nothing was touched: the rollout is still in its canary stage, the pending device
    // still waits, its message is still kept.
    const still = await json<Rollout>(await call(aRollouts.token, "GET", ro(aRollouts.slug)));
    expect(still.status).toBe("canary");
    const pending = await json<Device>(await call(a.token, "GET", dev(a.slug)));
    expect(pending.status).toBe("pending");
    const kept = await call(a.token, "GET", `/orgs/${a.slug}/devices/${a.ids.a}/quarantine`);
    expect((await json<RestPage>(kept)).items).toHaveLength(1);
  });

  it("refuses every write to a read-only key with 403", async () => {
    const o = await fleetOrg({ scopes: ["site.read", "policy.read"] });
    await quarantineMessages(o.org.id, o.ids.a, 1);
    const base = `/orgs/${o.slug}/devices`;
    expect((await call(o.token, "GET", base)).status).toBe(200);
    expect((await call(o.token, "GET", `/orgs/${o.slug}/rollouts`)).status).toBe(200);
    const writes: [string, string, unknown?][] = [
      ["POST", `${base}/${o.ids.c}/approve`],
      ["POST", `${base}/${o.ids.e}/reject`],
      ["POST", `${base}/${o.ids.a}/revoke`],
      ["DELETE", `${base}/${o.ids.a}/alerts/quarantined_messages`],
      ["PUT", `/orgs/${o.slug}/rollout-settings`, { canaryPercent: 1, failureThreshold: 1 }],
      ["POST", `/orgs/${o.slug}/rollouts/any/rollback`],
      ["POST", `/orgs/${o.slug}/rollouts/any/promote`],
    ];
    for (const [method, path, body] of writes) {
      const res = await call(o.token, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
    }
  });

  it("lets an MSP's key read its customers' sites and devices, and no customer's key climb", async () => {
    const msp = await createOrgWithOwner("msp");
    const asMsp = callerFor(msp.owner);
    const customer = await asMsp.org.createCustomer({
      orgSlug: msp.slug,
      name: "Customer One",
      slug: `c1-${msp.slug}`,
    });
    const sibling = await asMsp.org.createCustomer({
      orgSlug: msp.slug,
      name: "Customer Two",
      slug: `c2-${msp.slug}`,
    });
    const site = await asMsp.site.create({ orgSlug: customer.slug, name: "Shop" });
    await createDeviceRows(customer.id, site.id, [{ hostname: "shop-box" }]);

    const mspKey = await apiKeyFor(msp.owner, msp.slug);
    const sites = await json<RestPage<{ name: string }>>(
      await call(mspKey, "GET", `/orgs/${customer.slug}/sites`),
    );
    expect(sites.items.map((s) => s.name)).toEqual(["Shop"]);
    const devices = await json<RestPage<Device>>(
      await call(mspKey, "GET", `/orgs/${customer.slug}/devices`),
    );
    expect(devices.items.map((d) => d.hostname)).toEqual(["shop-box"]);

    const customerKey = await apiKeyFor(msp.owner, customer.slug);
    expect((await call(customerKey, "GET", `/orgs/${customer.slug}/devices`)).status).toBe(200);
    for (const slug of [msp.slug, sibling.slug])
      for (const path of ["sites", "devices"])
        expect((await call(customerKey, "GET", `/orgs/${slug}/${path}`)).status).toBe(404);
  });
});
