// Class 4 of the hardening issue: sign-in limits slow guessing but cannot be turned into a
// lockout. Failures count per (account, client) pair and per client, never per account
// alone. Through the auth route handlers the portal mounts, with the client address the
// portal server stamps (test/security/client-ip.test.ts covers how it is worked out).
// Before the fix, ten wrong passwords from anywhere locked the owner out everywhere.
import { afterAll, describe, expect, it } from "vitest";
import { authHandlers } from "../../server/api/handlers";
import { COSTLY_LIMIT, SIGNIN_PER_CLIENT_FACTOR } from "../../server/domains/identity/auth/auth";
import { getDb } from "../../server/platform/db/client";
import { env } from "../../server/platform/env";
import { CLIENT_IP_HEADER } from "../../server/platform/http/client-ip";
import { closeQueues } from "../../server/platform/jobs/queues";
import { getRedis } from "../../server/platform/redis";
import { uid } from "../../testkit/factories/identity";

afterAll(async () => {
  await closeQueues();
  await getRedis().quit();
});

const { POST } = authHandlers();
const PASSWORD = "correct horse battery";
const MAX = env.SIGNIN_MAX_ATTEMPTS;

/** A JSON POST to an auth route the portal mounts, from client `ip`. */
function authPost(path: string, body: unknown, ip: string) {
  return POST(
    new Request(`${env.APP_URL}/api/auth${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: env.APP_URL, [CLIENT_IP_HEADER]: ip },
      body: JSON.stringify(body),
    }),
  );
}

const signIn = (email: string, password: string, ip: string) =>
  authPost("/sign-in/email", { email, password }, ip);

let subnet = Math.floor(Math.random() * 200);
/** A fresh range of private addresses per test, so tests never share a client bucket. */
function addresses() {
  subnet = (subnet + 1) % 250;
  return (host: number) => `10.${subnet}.${Math.floor(host / 250)}.${(host % 250) + 1}`;
}

async function owner() {
  const email = `owner-${uid()}@example.test`;
  const res = await authPost(
    "/sign-up/email",
    { name: "Owner", email, password: PASSWORD },
    `192.0.2.${Math.floor(Math.random() * 250) + 1}`,
  );
  expect(res.status).toBe(200);
  await getDb().user.update({ where: { email }, data: { emailVerified: true } });
  return email;
}

describe("sign-in limits", () => {
  it("block the client that keeps failing, for that account", async () => {
    const email = await owner();
    const ip = addresses()(0);
    const statuses: number[] = [];
    for (let i = 0; i < MAX + 2; i++)
      statuses.push((await signIn(email, "wrong-password", ip)).status);
    expect(statuses.slice(0, MAX).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(MAX)).toEqual([429, 429]);
    // Even the right password does not get through from there until the window ends.
    expect((await signIn(email, PASSWORD, ip)).status).toBe(429);
  });

  it("let the owner in from another client while an attacker is blocked", async () => {
    const email = await owner();
    const at = addresses();
    for (let i = 0; i < MAX + 5; i++) await signIn(email, "wrong-password", at(0));
    expect((await signIn(email, "wrong-password", at(0))).status).toBe(429);
    expect((await signIn(email, PASSWORD, at(1))).status).toBe(200);
  });

  it("cannot be turned into a lockout by failing from many addresses", async () => {
    const email = await owner();
    const at = addresses();
    // Three windows' worth of failures, a few from each of many addresses.
    for (let i = 0; i < MAX * 3; i++) await signIn(email, "wrong-password", at(1 + (i % 20)));
    expect((await signIn(email, PASSWORD, at(100))).status).toBe(200);
  });

  it("clear a pair's failures when its sign-in succeeds", async () => {
    const email = await owner();
    const ip = addresses()(0);
    for (let i = 0; i < MAX - 1; i++) expect((await signIn(email, "typo", ip)).status).toBe(401);
    expect((await signIn(email, PASSWORD, ip)).status).toBe(200);
    for (let i = 0; i < MAX - 1; i++) expect((await signIn(email, "typo", ip)).status).toBe(401);
  });

  it("still limit one client spraying passwords across accounts", async () => {
    const ip = addresses()(0);
    const perClient = MAX * SIGNIN_PER_CLIENT_FACTOR;
    const statuses: number[] = [];
    for (let i = 0; i <= perClient; i++)
      statuses.push((await signIn(`spray-${uid()}@example.test`, "x-password", ip)).status);
    expect(statuses.slice(0, perClient).every((s) => s === 401)).toBe(true);
    expect(statuses[perClient]).toBe(429);
  });
});

describe("routes that hash a password", () => {
  it("take a few calls per client per window, then 429, while another client goes on", async () => {
    const at = addresses();
    const statuses: number[] = [];
    for (let i = 0; i <= COSTLY_LIMIT.perClient; i++) {
      const res = await authPost(
        "/sign-up/email",
        { name: "N", email: `cost-${uid()}@example.test`, password: PASSWORD },
        at(0),
      );
      statuses.push(res.status);
    }
    expect(statuses.slice(0, COSTLY_LIMIT.perClient).every((s) => s === 200)).toBe(true);
    expect(statuses[COSTLY_LIMIT.perClient]).toBe(429);
    expect((await signIn(await owner(), PASSWORD, at(1))).status).toBe(200);
  });

  it("offer no password oracle (verify-password is off)", async () => {
    const res = await authPost("/verify-password", { password: "guess" }, addresses()(0));
    expect(res.status).toBe(404);
  });
});
