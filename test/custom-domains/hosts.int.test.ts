// Domain → org resolution over real HTTP with Host headers: sessions stay on the host that
// made them, a custom domain shows only its org's tree, and origins are checked per host.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetHosts } from "../../server/domains/custom-domains";
import { createOrg } from "../../server/domains/identity/services/org/create-org";
import { getDb } from "../../server/platform/db/client";
import { userPrincipal } from "../../server/platform/tenancy/principal";
import { type ApiServer, startApiServer } from "../../testkit/api-server";
import { callerFor, createOrgWithOwner, uid } from "../../testkit/factories/identity";
import { solidPng } from "../../testkit/png";
import { useDnsServer } from "./dns";
import { httpCall, trpcGet } from "./http";

const server = useDnsServer();
let api: ApiServer;
let port: number;
beforeAll(async () => {
  api = await startApiServer();
  port = Number(new URL(api.url).port);
});
afterAll(() => api.close());

const PASSWORD = "correct horse battery";

/** An MSP whose owner has a password, with a customer, and a verified domain. */
async function mspWithDomain() {
  const email = `host-${uid()}@example.test`;
  const signUp = await httpCall(api.url, "/api/auth/sign-up/email", {
    method: "POST",
    body: { name: "Host user", email, password: PASSWORD },
  });
  expect(signUp.status).toBe(200);
  const row = await getDb().user.update({ where: { email }, data: { emailVerified: true } });
  const owner = userPrincipal({ ...row, emailVerified: true });
  const slug = `msp-${uid()}`;
  const org = await createOrg(getDb(), owner, { name: `MSP ${slug}`, slug, kind: "msp" });
  const caller = callerFor(owner);
  const customer = await caller.org.createCustomer({
    orgSlug: slug,
    name: `Customer of ${slug}`,
    slug: `c-${slug}`,
  });
  const hostname = `portal.${slug}.test`;
  const domain = await caller.domain.add({ orgSlug: slug, hostname });
  server.dns.setTxt(domain.record.name, [domain.record.value]);
  expect((await caller.domain.verify({ orgSlug: slug, domainId: domain.id })).status).toBe(
    "verified",
  );
  const host = `${hostname}:${port}`;
  return { owner, email, org, slug, customer, caller, host, origin: `http://${host}` };
}

async function signIn(host: string, email: string) {
  const answer = await httpCall(api.url, "/api/auth/sign-in/email", {
    method: "POST",
    host,
    headers: { origin: `http://${host}` },
    body: { email, password: PASSWORD },
  });
  const set = ([] as string[]).concat(answer.headers["set-cookie"] ?? []);
  const session = set.find((c) => c.includes("session_token="));
  return { answer, set: session, cookie: session?.split(";")[0] ?? "" };
}

const slugsOf = (text: string) =>
  (JSON.parse(text) as { result: { data: { json: { slug: string }[] } } }).result.data.json.map(
    (o) => o.slug,
  );

describe("custom domains over HTTP", () => {
  it("a session made on host A is host-only and not accepted on host B or the main app", async () => {
    const a = await mspWithDomain();
    const b = await mspWithDomain();
    const { answer, set, cookie } = await signIn(a.host, a.email);
    expect(answer.status).toBe(200);
    expect(set).toBeDefined();
    expect(set?.toLowerCase()).not.toContain("domain=");
    const onA = await trpcGet(api.url, "org.list", undefined, a.host, cookie);
    expect(onA.status).toBe(200);
    expect(slugsOf(onA.text).sort()).toEqual([a.slug, a.customer.slug].sort());
    for (const other of [b.host, `127.0.0.1:${port}`]) {
      const elsewhere = await trpcGet(api.url, "org.list", undefined, other, cookie);
      expect(elsewhere.status).toBe(401);
    }
  });

  it("on MSP B's domain, a user of MSP A sees neither A's data nor B's", async () => {
    const a = await mspWithDomain();
    const b = await mspWithDomain();
    const { cookie } = await signIn(b.host, a.email);
    const list = await trpcGet(api.url, "org.list", undefined, b.host, cookie);
    expect(list.status).toBe(200);
    expect(slugsOf(list.text)).toEqual([]);
    for (const slug of [a.slug, a.customer.slug, b.slug]) {
      const get = await trpcGet(api.url, "org.get", { orgSlug: slug }, b.host, cookie);
      expect(get.status).toBe(404);
    }
  });

  it("on a custom domain, orgs outside its tree are NOT_FOUND even for their members", async () => {
    const a = await mspWithDomain();
    // The MSP's owner also owns an unrelated org.
    const elsewhere = await createOrg(getDb(), a.owner, {
      name: "Unrelated",
      slug: `un-${uid()}`,
      kind: "standard",
    });
    const { cookie } = await signIn(a.host, a.email);
    const customer = await trpcGet(
      api.url,
      "org.get",
      { orgSlug: a.customer.slug },
      a.host,
      cookie,
    );
    expect(customer.status).toBe(200);
    const other = await trpcGet(api.url, "org.get", { orgSlug: elsewhere.slug }, a.host, cookie);
    expect(other.status).toBe(404);
    // On the main app the same user reaches it.
    const main = await callerFor(a.owner).org.get({ orgSlug: elsewhere.slug });
    expect(main.slug).toBe(elsewhere.slug);
  });

  it("refuses a cross-origin POST from an unverified host, accepts the verified one", async () => {
    const a = await mspWithDomain();
    const unverified = `portal.unknown-${uid()}.test:${port}`;
    const bad = await httpCall(api.url, "/api/auth/sign-in/email", {
      method: "POST",
      host: unverified,
      headers: { origin: `http://${unverified}` },
      body: { email: a.email, password: PASSWORD },
    });
    expect(bad.status).toBe(403);
    const { cookie } = await signIn(a.host, a.email);
    const post = (host: string, origin: string) =>
      httpCall(api.url, "/api/trpc/embed.rotateKey", {
        method: "POST",
        host,
        headers: { origin, cookie },
        body: { json: { orgSlug: a.slug } },
      });
    expect((await post(a.host, `http://${unverified}`)).status).toBe(403);
    expect((await post(a.host, a.origin)).status).toBe(200);
  });

  it("a domain removed stops serving its org at once", async () => {
    const a = await mspWithDomain();
    const { cookie } = await signIn(a.host, a.email);
    const [domain] = await a.caller.domain.list({ orgSlug: a.slug });
    await a.caller.domain.remove({ orgSlug: a.slug, domainId: domain!.id });
    forgetHosts();
    // The host is unknown now: the main app, where that session (made on the domain) is not valid.
    const list = await trpcGet(api.url, "org.list", undefined, a.host, cookie);
    expect(list.status).toBe(401);
  });

  it("invitation links made on a custom domain point at it", async () => {
    const a = await mspWithDomain();
    const { cookie } = await signIn(a.host, a.email);
    const to = `invitee-${uid()}@example.test`;
    const answer = await httpCall(api.url, "/api/trpc/invitation.create", {
      method: "POST",
      host: a.host,
      headers: { origin: a.origin, cookie },
      body: { json: { orgSlug: a.slug, email: to, role: "viewer" } },
    });
    expect(answer.status).toBe(200);
    const mail = await getDb().mailOutbox.findFirstOrThrow({ where: { to } });
    expect(mail.text).toContain(`${a.origin}/invite/`);
  });
});

describe("/favicon.ico", () => {
  it("points at the host's brand favicon on its domain, at Patronus' icon elsewhere", async () => {
    const a = await mspWithDomain();
    const b = await mspWithDomain();
    const main = await httpCall(api.url, "/favicon.ico", {});
    expect(main.status).toBe(307);
    expect(main.headers.location).toBe("/icon.svg");
    // A's domain without a favicon of its own: Patronus' icon too.
    expect((await httpCall(api.url, "/favicon.ico", { host: a.host })).headers.location).toBe(
      "/icon.svg",
    );
    const brand = await a.caller.brand.uploadImage({
      orgSlug: a.slug,
      slot: "favicon",
      dataBase64: solidPng(32, 32).toString("base64"),
    });
    const onA = await httpCall(api.url, "/favicon.ico", { host: a.host });
    expect(onA.headers.location).toBe(brand.own.faviconUrl);
    // Never A's favicon on B's domain or on the main app.
    expect((await httpCall(api.url, "/favicon.ico", { host: b.host })).headers.location).toBe(
      "/icon.svg",
    );
    expect((await httpCall(api.url, "/favicon.ico", {})).headers.location).toBe("/icon.svg");
  });
});

describe("cross-tenant", () => {
  it("another org's caller gets NOT_FOUND for every domain and embed procedure", async () => {
    const a = await createOrgWithOwner();
    const b = await createOrgWithOwner();
    const domain = await callerFor(a.owner).domain.add({
      orgSlug: a.slug,
      hostname: `x-${uid()}.example.test`,
    });
    const intruder = callerFor(b.owner);
    const calls = [
      () => intruder.domain.list({ orgSlug: a.slug }),
      () => intruder.domain.verify({ orgSlug: a.slug, domainId: domain.id }),
      () => intruder.domain.remove({ orgSlug: a.slug, domainId: domain.id }),
      () => intruder.embed.settings({ orgSlug: a.slug }),
      () => intruder.embed.createToken({ orgSlug: a.slug }),
      () => intruder.embed.rotateKey({ orgSlug: a.slug }),
    ];
    for (const call of calls) await expect(call()).rejects.toMatchObject({ code: "NOT_FOUND" });
    // In its own org, another org's domain id is NOT_FOUND too.
    await expect(
      intruder.domain.remove({ orgSlug: b.slug, domainId: domain.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Claiming the same hostname in its own org shows nothing of A's claim: a claim of its
    // own, pending, with its own token.
    const own = await intruder.domain.add({ orgSlug: b.slug, hostname: domain.hostname });
    expect(own.id).not.toBe(domain.id);
    expect(own.status).toBe("pending");
    expect(own.record.value).not.toBe(domain.record.value);
    expect(await intruder.domain.list({ orgSlug: b.slug })).toHaveLength(1);
    // A second claim of the same hostname in one org is a 409.
    await expect(
      intruder.domain.add({ orgSlug: b.slug, hostname: domain.hostname }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("an MSP's owner manages its customer's domains; another MSP's cannot", async () => {
    const msp = await createOrgWithOwner("msp");
    const other = await createOrgWithOwner("msp");
    const customer = await callerFor(msp.owner).org.createCustomer({
      orgSlug: msp.slug,
      name: "Customer",
      slug: `cu-${uid()}`,
    });
    const added = await callerFor(msp.owner).domain.add({
      orgSlug: customer.slug,
      hostname: `status.${customer.slug}.example.test`,
    });
    expect(added.status).toBe("pending");
    await expect(
      callerFor(other.owner).domain.list({ orgSlug: customer.slug }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
