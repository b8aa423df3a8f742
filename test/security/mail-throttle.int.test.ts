// Class 5 of the hardening issue: account mails cannot flood a mailbox, and the answer
// never tells whether an address has an account. Through the auth route handlers the
// portal mounts. Before the fix every request queued a mail.
import { afterAll, describe, expect, it } from "vitest";
import { authHandlers } from "../../server/api/handlers";
import { createCaller } from "../../server/api/root";
import type { SessionUser } from "../../server/domains/identity/auth/session";
import { getDb } from "../../server/platform/db/client";
import { env } from "../../server/platform/env";
import { CLIENT_IP_HEADER } from "../../server/platform/http/client-ip";
import { closeQueues } from "../../server/platform/jobs/queues";
import { MAIL_LIMITS } from "../../server/platform/mail/throttle";
import { getRedis } from "../../server/platform/redis";
import { createOrgWithOwner, uid } from "../../testkit/factories/identity";

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

const mailsTo = (to: string, kind: string) => getDb().mailOutbox.count({ where: { to, kind } });
const ip = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;

async function verifiedUser() {
  const email = `mail-${uid()}@example.test`;
  await post("/sign-up/email", { name: "M", email, password: "correct horse battery" }, ip());
  await getDb().user.update({ where: { email }, data: { emailVerified: true } });
  return email;
}

describe("account mails", () => {
  it("sends a few password resets per address in a window, whatever the number asked", async () => {
    const email = await verifiedUser();
    for (let i = 0; i < MAIL_LIMITS.perAddress + 4; i++) {
      const res = await post(
        "/request-password-reset",
        { email, redirectTo: "/reset-password" },
        ip(),
      );
      expect(res.status).toBe(200);
    }
    expect(await mailsTo(email, "reset-password")).toBe(MAIL_LIMITS.perAddress);
  });

  it("cannot be used up for the owner by a stranger asking from elsewhere", async () => {
    const email = await verifiedUser();
    const stranger = ip();
    for (let i = 0; i < MAIL_LIMITS.perAddressAndClient + 3; i++)
      await post("/request-password-reset", { email, redirectTo: "/reset-password" }, stranger);
    expect(await mailsTo(email, "reset-password")).toBe(MAIL_LIMITS.perAddressAndClient);
    let owner = ip();
    while (owner === stranger) owner = ip();
    await post("/request-password-reset", { email, redirectTo: "/reset-password" }, owner);
    expect(await mailsTo(email, "reset-password")).toBe(MAIL_LIMITS.perAddressAndClient + 1);
  });

  it("answers the same for an address without an account, before and after the limit", async () => {
    const known = await verifiedUser();
    const unknown = `nobody-${uid()}@example.test`;
    const answers = new Set<string>();
    for (let i = 0; i < MAIL_LIMITS.perAddress + 2; i++)
      for (const email of [known, unknown]) {
        const res = await post(
          "/request-password-reset",
          { email, redirectTo: "/reset-password" },
          ip(),
        );
        answers.add(`${res.status} ${await res.text()}`);
      }
    expect([...answers]).toHaveLength(1);
  });

  it("limits one client spraying many addresses", async () => {
    const client = "203.0.113.77"; // used by no other test: its whole budget is this one's
    const addresses = await Promise.all(
      Array.from({ length: MAIL_LIMITS.perClient + 3 }, () => verifiedUser()),
    );
    for (const email of addresses)
      await post("/request-password-reset", { email, redirectTo: "/reset-password" }, client);
    const sent = await getDb().mailOutbox.count({
      where: { to: { in: addresses }, kind: "reset-password" },
    });
    expect(sent).toBe(MAIL_LIMITS.perClient);
  });

  it("sends a few verification mails to an unverified address that keeps signing in", async () => {
    const email = `unverified-${uid()}@example.test`;
    await post("/sign-up/email", { name: "U", email, password: "correct horse battery" }, ip());
    for (let i = 0; i < MAIL_LIMITS.perAddress + 3; i++)
      await post("/sign-in/email", { email, password: "correct horse battery" }, ip());
    expect(await mailsTo(email, "verify-email")).toBe(MAIL_LIMITS.perAddress);
  });
});

describe("invitation mails", () => {
  const inviteAs = (owner: SessionUser, orgSlug: string, email: string, client: string) =>
    createCaller({
      db: getDb(),
      user: owner,
      headers: new Headers({ [CLIENT_IP_HEADER]: client }),
    }).invitation.create({ orgSlug, email, role: "viewer" });

  it("go to one address a few times per window from one org, and another org is not held up", async () => {
    const email = `invitee-${uid()}@example.test`;
    const [first, second] = [await createOrgWithOwner(), await createOrgWithOwner()];
    const client = ip();
    const outcomes: string[] = [];
    for (let i = 0; i < MAIL_LIMITS.perAddressAndClient + 2; i++)
      outcomes.push(
        await inviteAs(first.owner, first.slug, email, client).then(
          () => "sent",
          (e: { code?: string }) => e.code ?? "error",
        ),
      );
    expect(outcomes.slice(0, MAIL_LIMITS.perAddressAndClient).every((o) => o === "sent")).toBe(
      true,
    );
    expect(outcomes.slice(MAIL_LIMITS.perAddressAndClient)).toEqual([
      "TOO_MANY_REQUESTS",
      "TOO_MANY_REQUESTS",
    ]);
    expect(await mailsTo(email, "invitation")).toBe(MAIL_LIMITS.perAddressAndClient);
    // The first org's inviter used up its own budget, not the address's for everyone.
    await expect(inviteAs(second.owner, second.slug, email, client)).resolves.toBeTruthy();
  });

  it("from one client stop at the client's limit", async () => {
    const client = ip();
    const { owner, slug } = await createOrgWithOwner("msp");
    let refused = 0;
    for (let i = 0; i <= MAIL_LIMITS.perClient; i++)
      await inviteAs(owner, slug, `many-${uid()}@example.test`, client).catch(
        (e: { code?: string }) => {
          if (e.code === "TOO_MANY_REQUESTS") refused++;
        },
      );
    expect(refused).toBe(1);
  });
});
