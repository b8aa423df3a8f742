// The verification page's "Resend email": better-auth's send-verification-email, through
// the auth route handlers the portal mounts, under the verification mails' throttle.
import { afterAll, describe, expect, it } from "vitest";
import { authHandlers } from "../../../server/api/handlers";
import { getDb } from "../../../server/platform/db/client";
import { env } from "../../../server/platform/env";
import { CLIENT_IP_HEADER } from "../../../server/platform/http/client-ip";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { MAIL_LIMITS } from "../../../server/platform/mail/throttle";
import { getRedis } from "../../../server/platform/redis";
import { uid } from "../../../testkit/factories/identity";

afterAll(async () => {
  await closeQueues();
  await getRedis().quit();
});

const { POST } = authHandlers();

function post(path: string, body: unknown, ip: string) {
  return POST(
    new Request(`${env.APP_URL}/api/auth${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: env.APP_URL, [CLIENT_IP_HEADER]: ip },
      body: JSON.stringify(body),
    }),
  );
}

const verifyMails = (to: string) =>
  getDb().mailOutbox.count({ where: { to, kind: "verify-email" } });
const ip = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;

describe("resending the verification email", () => {
  it("sends a new link, then says how long to wait once the throttle refuses", async () => {
    const email = `resend-${uid()}@example.test`;
    const client = ip();
    await post("/sign-up/email", { name: "R", email, password: "correct horse battery" }, client);
    expect(await verifyMails(email)).toBe(1);

    const first = await post("/send-verification-email", { email, callbackURL: "/orgs" }, client);
    expect(first.status).toBe(200);
    expect(await verifyMails(email)).toBe(2);

    // Sign-up and each resend count once: the pair's budget is then used up.
    let answer = first;
    for (let sent = 2; sent < MAIL_LIMITS.perAddressAndClient; sent++)
      answer = await post("/send-verification-email", { email }, client);
    expect(answer.status).toBe(200);
    expect(await verifyMails(email)).toBe(MAIL_LIMITS.perAddressAndClient);

    const refused = await post("/send-verification-email", { email }, client);
    expect(refused.status).toBe(429);
    expect((await refused.json()).message).toMatch(
      /^Too many verification emails to this address\. Try again in \d+ min\.$/,
    );
    expect(await verifyMails(email)).toBe(MAIL_LIMITS.perAddressAndClient);
  });

  it("refuses an address without an account the same way: the answer tells nothing", async () => {
    const email = `nobody-${uid()}@example.test`;
    const client = ip();
    const statuses: number[] = [];
    for (let i = 0; i <= MAIL_LIMITS.perAddressAndClient; i++)
      statuses.push((await post("/send-verification-email", { email }, client)).status);
    expect(statuses).toEqual([...Array(MAIL_LIMITS.perAddressAndClient).fill(200), 429]);
    expect(await verifyMails(email)).toBe(0);
  });

  it("refuses a malformed address with the form's own message", async () => {
    const res = await post("/send-verification-email", { email: "not-an-address" }, ip());
    expect(res.status).toBe(400);
    expect((await res.json()).fields).toEqual({ email: "Enter a valid email address" });
  });
});
