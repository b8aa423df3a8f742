import { afterAll, describe, expect, it } from "vitest";
import { auth } from "../../../server/domains/identity/auth/auth";
import { getDb } from "../../../server/platform/db/client";
import { env } from "../../../server/platform/env";
import { CLIENT_IP_HEADER } from "../../../server/platform/http/client-ip";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { getRedis } from "../../../server/platform/redis";
import { uid } from "../../../testkit/factories/identity";

afterAll(async () => {
  await closeQueues();
  await getRedis().quit();
});

/** Calls better-auth's real HTTP handler, as the /api/auth route does. */
function post(path: string, body: unknown, ip = "192.0.2.10") {
  return auth.handler(
    new Request(`${env.APP_URL}/api/auth${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: env.APP_URL, [CLIENT_IP_HEADER]: ip },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

describe("sign-up", () => {
  it("creates an unverified user and queues a verification email", async () => {
    const email = `signup-${uid()}@example.test`;
    const res = await post("/sign-up/email", { name: "New", email, password: "correct horse" });
    expect(res.status).toBe(200);
    const user = await getDb().user.findUniqueOrThrow({ where: { email } });
    expect(user.emailVerified).toBe(false);
    const mail = await getDb().mailOutbox.findFirstOrThrow({ where: { to: email } });
    expect(mail.kind).toBe("verify-email");
    expect(mail.text).toContain("/api/auth/verify-email?token=");
    // Unverified users cannot sign in.
    const signIn = await post("/sign-in/email", { email, password: "correct horse" });
    expect(signIn.status).toBe(403);
  });

  it.each([
    ["over-long name", { name: "n".repeat(101), password: "correct horse" }, "name"],
    ["over-long password", { name: "N", password: "p".repeat(129) }, "password"],
    ["short password", { name: "N", password: "short" }, "password"],
    ["wrong type", { name: ["N"], password: "correct horse" }, "name"],
    ["unknown field", { name: "N", password: "correct horse", role: "owner" }, "role"],
  ])("refuses %s with a 400 naming the field", async (_label, fields, field) => {
    const email = `bad-${uid()}@example.test`;
    const res = await post("/sign-up/email", { email, ...fields });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { fields: Record<string, string> };
    expect(Object.keys(body.fields)).toContain(field);
    expect(await getDb().user.findUnique({ where: { email } })).toBeNull();
  });

  it("refuses a body that is not JSON without a 500", async () => {
    const res = await post("/sign-up/email", "{not json");
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

// Sign-in limits: test/security/signin-lockout.int.test.ts.
