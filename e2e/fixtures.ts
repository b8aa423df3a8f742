import { randomBytes } from "node:crypto";
import {
  type BrowserContext,
  test as base,
  type ConsoleMessage,
  expect,
  type Page,
} from "@playwright/test";

import pg from "pg";
import { databaseUrl } from "../testkit/resources";
import { CHROMIUM_LAUNCH } from "./chromium";
import { loadStack } from "./stack";

export { expect };

export const DEMO_PASSWORD = "patronus-demo";

/** A unique address per call, so tests never share users, even across runs. */
export function uniqueEmail(label: string) {
  return `${label}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}@e2e.patronus.test`;
}

export function uniqueSlug(label: string) {
  return `${label}-${randomBytes(4).toString("hex")}`;
}

interface ConsoleGuard {
  /** Lets console errors matching `pattern` pass, for the rest of this test only. */
  allow(pattern: RegExp): void;
  /** Attaches the listeners to another context's pages (the `page` fixture is covered). */
  watch(context: BrowserContext): void;
}

/**
 * Every page a test opens is watched for console errors and uncaught exceptions; the test
 * fails if any appear that it did not expect with `consoleGuard.allow(...)`.
 */
export const test = base.extend<{ consoleGuard: ConsoleGuard; secondPage: Page }>({
  consoleGuard: [
    async ({ context }, use, testInfo) => {
      const problems: string[] = [];
      const allowed: RegExp[] = [];
      const watchPage = (page: Page) => {
        page.on("console", (msg: ConsoleMessage) => {
          if (msg.type() !== "error") return;
          const text = msg.text();
          if (allowed.some((re) => re.test(text))) return;
          const source = msg.location().url;
          problems.push(`console.error on ${page.url()}: ${text}${source ? ` (${source})` : ""}`);
        });
        page.on("pageerror", (error) => {
          problems.push(`uncaught exception on ${page.url()}: ${error.message}`);
        });
      };
      const watch = (ctx: BrowserContext) => {
        for (const page of ctx.pages()) watchPage(page);
        ctx.on("page", watchPage);
      };
      watch(context);
      await use({ allow: (pattern) => allowed.push(pattern), watch });
      if (problems.length) {
        await testInfo.attach("console-errors", { body: problems.join("\n") });
      }
      expect(problems, "console errors / page errors").toEqual([]);
    },
    { auto: true },
  ],
  /** A page in a separate browser context: a second user, with its own cookies. */
  secondPage: async ({ browser, consoleGuard }, use) => {
    const context = await browser.newContext();
    consoleGuard.watch(context);
    await use(await context.newPage());
    await context.close();
  },
});

/** Chromium's line for a failed request with this HTTP status (and only that). */
export const failedResource = (status: number) =>
  new RegExp(`^Failed to load resource: the server responded with a status of ${status} `);

/**
 * The link in the newest mail of `kind` to `to`, read from the stack's outbox table (the
 * portal shows the outbox to nobody in production; polls until the mail is there).
 */
export async function mailLink(to: string, kind: string) {
  const stack = loadStack();
  if (!stack) throw new Error("no e2e stack (global setup did not run)");
  const db = new pg.Client({ connectionString: databaseUrl(stack.adminUrl, stack.database) });
  await db.connect();
  try {
    let href: string | undefined;
    await expect(async () => {
      const { rows } = await db.query<{ text: string }>(
        `SELECT text FROM mail_outbox WHERE "to" = $1 AND kind = $2 ORDER BY "createdAt" DESC LIMIT 1`,
        [to, kind],
      );
      href = /https?:\/\/\S+/.exec(rows[0]?.text ?? "")?.[0];
      expect(href, `a ${kind} mail with a link to ${to}`).toBeTruthy();
    }).toPass({ timeout: 15_000 });
    return href as string;
  } finally {
    await db.end();
  }
}

/** Runs one statement as the database's owner (to set up what only devices could cause). */
export async function ownerQuery(sql: string, params: unknown[] = []) {
  const stack = loadStack();
  if (!stack) throw new Error("no e2e stack (global setup did not run)");
  const db = new pg.Client({ connectionString: databaseUrl(stack.adminUrl, stack.database) });
  await db.connect();
  try {
    return await db.query(sql, params);
  } finally {
    await db.end();
  }
}

/** Opens the link in the newest mail of `kind` to `to`, as the user would. */
export async function followMailLink(page: Page, to: string, kind: string) {
  await page.goto(await mailLink(to, kind));
}

export async function fillSignUp(
  page: Page,
  user: { name: string; email: string; password: string },
) {
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
}

/**
 * Signs a new user up at /sign-up (optionally with ?next=), verifies the address through
 * the outbox link, and leaves the page where verification redirected (signed in).
 */
export async function signUpAndVerify(
  page: Page,
  user: { name: string; email: string; password: string },
  next?: string,
) {
  await page.goto(next ? `/sign-up?next=${encodeURIComponent(next)}` : "/sign-up");
  await fillSignUp(page, user);
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await expect(page.getByText(user.email)).toBeVisible();
  await followMailLink(page, user.email, "verify-email");
  await page.waitForURL((url) => url.pathname === (next ?? "/orgs"));
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/orgs");
  await expect(page.getByTestId("current-user")).toHaveText(email);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/");
}

/**
 * Chromium for custom-domain journeys: every *.test name resolves to loopback, and http on
 * such a name stays http (no automatic https upgrade). Use with `test.use(CUSTOM_HOSTS)`.
 */
export const CUSTOM_HOSTS = {
  launchOptions: {
    ...CHROMIUM_LAUNCH,
    args: [
      ...CHROMIUM_LAUNCH.args,
      "--host-resolver-rules=MAP *.test 127.0.0.1",
      "--disable-features=HttpsUpgrades",
    ],
  },
};
