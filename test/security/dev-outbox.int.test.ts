// Class 10 of the hardening issue: the dev outbox (every account link the product mailed)
// is off unless asked for, never on in production, and shown only to a signed-in platform
// operator. Through the same function the /dev/outbox page renders; in the browser against
// the production build: e2e/security.spec.ts. Before the fix it was on by default outside
// production and listed every mail to anyone, signed in or not.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { devOutbox } from "../../server/api/handlers";
import { env, parseEnv } from "../../server/platform/env";
import { closeQueues } from "../../server/platform/jobs/queues";
import { getRedis } from "../../server/platform/redis";
import { signedInUser } from "../../testkit/factories/http-session";

afterAll(async () => {
  await closeQueues();
  await getRedis().quit();
});

const saved = { ui: env.MAIL_OUTBOX_UI, operators: env.PLATFORM_OPERATORS };
afterEach(() => {
  env.MAIL_OUTBOX_UI = saved.ui;
  env.PLATFORM_OPERATORS = saved.operators;
});

const PRODUCTION = {
  NODE_ENV: "production",
  AUTH_SECRET: "a-real-secret-of-at-least-thirty-two-characters",
  FLEET_MASTER_KEY: "ab".repeat(32),
  WEBHOOK_SECRET_KEY: "cd".repeat(32),
};

describe("the outbox setting", () => {
  it("is off unless asked for", () => {
    expect(parseEnv({}).MAIL_OUTBOX_UI).toBe(false);
    expect(parseEnv({ NODE_ENV: "development" }).MAIL_OUTBOX_UI).toBe(false);
    expect(parseEnv({ NODE_ENV: "development", MAIL_OUTBOX_UI: "true" }).MAIL_OUTBOX_UI).toBe(true);
  });

  it("is never on in production, whatever it says", () => {
    expect(parseEnv({ ...PRODUCTION, MAIL_OUTBOX_UI: "true" }).MAIL_OUTBOX_UI).toBe(false);
  });
});

describe("the outbox page's data", () => {
  const withCookie = (cookie?: string) => new Headers(cookie ? { cookie } : {});

  it("is nothing for anyone when the outbox is off", async () => {
    const operator = await signedInUser();
    env.MAIL_OUTBOX_UI = false;
    env.PLATFORM_OPERATORS = [operator.email];
    expect(await devOutbox(withCookie(operator.cookie))).toBeNull();
  });

  it("is nothing for an anonymous visitor or a user who is not an operator", async () => {
    const [operator, member] = [await signedInUser(), await signedInUser()];
    env.MAIL_OUTBOX_UI = true;
    env.PLATFORM_OPERATORS = [operator.email];
    expect(await devOutbox(withCookie())).toBeNull();
    expect(await devOutbox(withCookie(member.cookie))).toBeNull();
    expect(await devOutbox(withCookie(`${member.cookie}tampered`))).toBeNull();
  });

  it("lists the mails for a signed-in platform operator", async () => {
    const operator = await signedInUser();
    env.MAIL_OUTBOX_UI = true;
    // As configured: spaces and case do not matter.
    env.PLATFORM_OPERATORS = parseEnv({
      PLATFORM_OPERATORS: ` other@example.test, ${operator.email.toUpperCase()} `,
    }).PLATFORM_OPERATORS;
    const mails = await devOutbox(withCookie(operator.cookie));
    expect(mails?.some((m) => m.to === operator.email && m.kind === "verify-email")).toBe(true);
  });
});
