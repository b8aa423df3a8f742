// Class 6 of the hardening issue: a password reset ends every session of the user, and a
// password change every other one (the session that changed it stays signed in). Through
// the auth route handlers the portal mounts. Before the fix both left old sessions valid.
import { afterAll, describe, expect, it } from "vitest";
import { authHandlers } from "../../server/api/handlers";
import { getDb } from "../../server/platform/db/client";
import { env } from "../../server/platform/env";
import { closeQueues } from "../../server/platform/jobs/queues";
import { getRedis } from "../../server/platform/redis";
import { uid } from "../../testkit/factories/identity";

afterAll(async () => {
  await closeQueues();
  await getRedis().quit();
});

const { GET, POST } = authHandlers();
const PASSWORD = "correct horse battery";

function call(method: "GET" | "POST", path: string, body?: unknown, cookie?: string) {
  const headers: Record<string, string> = { origin: env.APP_URL };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (cookie) headers.cookie = cookie;
  const req = new Request(`${env.APP_URL}/api/auth${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return method === "GET" ? GET(req) : POST(req);
}

/** The session cookie a response sets, as a Cookie header. */
function cookieOf(res: Response) {
  const set = res.headers.getSetCookie().find((c) => c.includes("session_token="));
  if (!set) throw new Error(`no session cookie (status ${res.status})`);
  return set.split(";")[0]!;
}

async function verifiedUser() {
  const email = `sess-${uid()}@example.test`;
  expect(
    (await call("POST", "/sign-up/email", { name: "S", email, password: PASSWORD })).status,
  ).toBe(200);
  await getDb().user.update({ where: { email }, data: { emailVerified: true } });
  return email;
}

async function signIn(email: string, password = PASSWORD) {
  const res = await call("POST", "/sign-in/email", { email, password });
  expect(res.status).toBe(200);
  return cookieOf(res);
}

async function signedIn(cookie: string) {
  const res = await call("GET", "/get-session", undefined, cookie);
  return ((await res.json()) as { user?: unknown } | null)?.user !== undefined;
}

describe("sessions after a password reset or change", () => {
  it("a password reset ends every session of the user", async () => {
    const email = await verifiedUser();
    const [laptop, phone] = [await signIn(email), await signIn(email)];
    expect([await signedIn(laptop), await signedIn(phone)]).toEqual([true, true]);

    const asked = await call("POST", "/request-password-reset", {
      email,
      redirectTo: "/reset-password",
    });
    expect(asked.status).toBe(200);
    const mail = await getDb().mailOutbox.findFirstOrThrow({
      where: { to: email, kind: "reset-password" },
      orderBy: { createdAt: "desc" },
    });
    const token =
      /reset-password\/([\w-]+)/.exec(mail.text)?.[1] ?? /token=([\w-]+)/.exec(mail.text)?.[1];
    expect(token).toBeTruthy();
    const reset = await call("POST", "/reset-password", {
      newPassword: "a new long password",
      token,
    });
    expect(reset.status).toBe(200);

    expect([await signedIn(laptop), await signedIn(phone)]).toEqual([false, false]);
    expect(await signedIn(await signIn(email, "a new long password"))).toBe(true);
  });

  it("a password change ends every other session and keeps the one that changed it", async () => {
    const email = await verifiedUser();
    const [laptop, phone] = [await signIn(email), await signIn(email)];
    // The client does not ask for it: the server revokes the others anyway.
    const changed = await call(
      "POST",
      "/change-password",
      { currentPassword: PASSWORD, newPassword: "another long password" },
      laptop,
    );
    expect(changed.status).toBe(200);
    const current = changed.headers.getSetCookie().length ? cookieOf(changed) : laptop;
    expect(await signedIn(phone)).toBe(false);
    expect(await signedIn(current)).toBe(true);
  });
});
