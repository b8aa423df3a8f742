// CORS for browser clients: off by default (a preflight from any origin is refused), on
// per org for the origins an admin lists, never with credentials, and the origins are
// validated. Another org's list does not open this org.
import { expect, it } from "vitest";
import { apiOrg, useApiServer } from "../../testkit/api-server";
import { callerFor } from "../../testkit/factories/identity";

const server = useApiServer();

const APP = "https://app.example.test";
const preflight = (slug: string, origin: string) =>
  fetch(`${server.url}/api/v1/orgs/${slug}/sites`, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type",
    },
  });

it("refuses browser origins until the org allows one, then answers them with CORS headers", async () => {
  const a = await apiOrg();
  const b = await apiOrg();
  expect((await preflight(a.slug, APP)).status).toBe(403);

  const owner = callerFor(a.owner);
  await expect(
    owner.apiAccess.update({ orgSlug: a.slug, corsOrigins: ["https://app.example.test/path"] }),
  ).rejects.toThrow(/corsOrigins\.0/);
  await expect(
    owner.apiAccess.update({ orgSlug: a.slug, corsOrigins: ["javascript:alert(1)"] }),
  ).rejects.toThrow(/corsOrigins\.0/);
  expect(await owner.apiAccess.update({ orgSlug: a.slug, corsOrigins: [`${APP}/`, APP] })).toEqual({
    corsOrigins: [APP],
  });

  const ok = await preflight(a.slug, APP);
  expect(ok.status).toBe(204);
  expect(ok.headers.get("access-control-allow-origin")).toBe(APP);
  expect(ok.headers.get("access-control-allow-credentials")).toBeNull();
  expect(ok.headers.get("access-control-allow-headers")).toContain("idempotency-key");
  expect((await preflight(a.slug, "https://other.example.test")).status).toBe(403);
  expect((await preflight(b.slug, APP)).status).toBe(403);

  const call = await fetch(`${server.url}/api/v1/orgs/${a.slug}/sites/missing`, {
    headers: { origin: APP, authorization: `Bearer ${a.token}` },
  });
  expect(call.status).toBe(404);
  expect(call.headers.get("access-control-allow-origin")).toBe(APP);
  expect(call.headers.get("access-control-expose-headers")).toContain("x-request-id");
  const elsewhere = await fetch(`${server.url}/api/v1/orgs/${b.slug}/sites`, {
    headers: { origin: APP, authorization: `Bearer ${b.token}` },
  });
  expect(elsewhere.status).toBe(403);
  expect(elsewhere.headers.get("access-control-allow-origin")).toBeNull();
});
