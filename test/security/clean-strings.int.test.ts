// Class 8 of the hardening issue, over the handlers the portal mounts: a NUL byte, an
// unpaired surrogate or another invalid character in any string is a 400 naming the field,
// on tRPC, on the enrollment endpoint and on better-auth's routes (profile updates with
// sign-up's limits too), never a 500. The whole class of fields: clean-strings.test.ts.
// Before the fix a NUL in an org name reached PostgreSQL and came back as a 500, and
// update-user took a name of any length.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authHandlers, enrollHandler, trpcHandler } from "../../server/api/handlers";
import { env } from "../../server/platform/env";
import { closeQueues } from "../../server/platform/jobs/queues";
import { getRedis } from "../../server/platform/redis";
import { signedInUser } from "../../testkit/factories/http-session";
import { uid } from "../../testkit/factories/identity";
import { HOSTILE } from "../../testkit/hostile-text";

afterAll(async () => {
  await closeQueues();
  await getRedis().quit();
});

const BAD = Object.entries(HOSTILE);
let cookie: string;

beforeAll(async () => {
  ({ cookie } = await signedInUser());
});

function post(handler: (r: Request) => Promise<Response>, url: string, body: unknown) {
  return handler(
    new Request(`${env.APP_URL}${url}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: env.APP_URL, cookie },
      body: JSON.stringify(body),
    }),
  );
}

const { POST: auth } = authHandlers();

describe("tRPC", () => {
  it.each(BAD)("refuses %s in a mutation's field with 400 naming it", async (_kind, value) => {
    const res = await post(trpcHandler, "/api/trpc/org.create", {
      json: { name: `Org ${value}`, slug: `clean-${uid()}` },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { json: { data: { fields?: object } } } };
    expect(Object.keys(body.error.json.data.fields ?? {})).toContain("name");
  });

  it.each(BAD)("refuses %s in a query's input with 400", async (_kind, value) => {
    const input = encodeURIComponent(JSON.stringify({ json: { orgSlug: value } }));
    const res = await trpcHandler(
      new Request(`${env.APP_URL}/api/trpc/site.list?input=${input}`, { headers: { cookie } }),
    );
    expect(res.status).toBe(400);
  });
});

describe("enrollment", () => {
  it.each(BAD)("refuses %s with a problem naming the field", async (_kind, value) => {
    const res = await post(enrollHandler, "/api/fleet/enroll", {
      token: `token-${value}-0123456789`,
      csr: "x".repeat(200),
      hostname: "box",
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors?: { path: string }[] };
    expect(body.errors?.map((e) => e.path)).toContain("token");
  });
});

describe("better-auth routes", () => {
  it.each(BAD)("sign-up refuses %s in the name", async (_kind, value) => {
    const res = await post(auth, "/api/auth/sign-up/email", {
      name: `N${value}`,
      email: `clean-${uid()}@example.test`,
      password: "correct horse battery",
    });
    expect(res.status).toBe(400);
    expect(Object.keys(((await res.json()) as { fields: object }).fields)).toContain("name");
  });

  it.each(BAD)("sign-in and password reset refuse %s without a 500", async (_kind, value) => {
    const signIn = await post(auth, "/api/auth/sign-in/email", {
      email: "someone@example.test",
      password: `pw${value}pw`,
    });
    expect(signIn.status).toBe(400);
    const reset = await post(auth, "/api/auth/request-password-reset", {
      email: `a${value}@example.test`,
      redirectTo: "/reset-password",
    });
    expect(reset.status).toBe(400);
  });

  it.each(BAD)("update-user refuses %s in the name", async (_kind, value) => {
    const res = await post(auth, "/api/auth/update-user", { name: `N${value}` });
    expect(res.status).toBe(400);
    expect(Object.keys(((await res.json()) as { fields: object }).fields)).toContain("name");
  });

  it("update-user holds sign-up's limits", async () => {
    const long = await post(auth, "/api/auth/update-user", { name: "n".repeat(101) });
    expect(long.status).toBe(400);
    const unknown = await post(auth, "/api/auth/update-user", { name: "Ok", role: "admin" });
    expect(unknown.status).toBe(400);
    const ok = await post(auth, "/api/auth/update-user", { name: "A fine name" });
    expect(ok.status).toBe(200);
  });

  it("refuses a body nested deeper than any form, without a 500", async () => {
    const deep = `{"email":"a@b.co","password":"x","z":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
    const res = await auth(
      new Request(`${env.APP_URL}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: env.APP_URL },
        body: deep,
      }),
    );
    expect(res.status).toBe(400);
  });

  it("checks the new password of a password change too", async () => {
    const res = await post(auth, "/api/auth/change-password", {
      currentPassword: "correct horse battery",
      newPassword: "new\u0000password",
    });
    expect(res.status).toBe(400);
  });

  it("refuses a field name that is not clean text", async () => {
    const res = await post(auth, "/api/auth/update-user", { "na\u0000me": "x" });
    expect(res.status).toBe(400);
  });
});
