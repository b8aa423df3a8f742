// Class 7 of the hardening issue, in the browser: whatever `next` a sign-in link carries,
// the user lands on this site (Chromium normalises backslashes, tabs and dot segments, so
// this is where an open redirect would show). The inputs' whole class: test/security/safe-next.test.ts.
import { DEMO_PASSWORD, expect, test } from "./fixtures";

const HOSTILE = ["/\\evil.example", "/\t/evil.example", "/.//evil.example", "/%5Cevil.example"];

test("sign-in never follows a next target off the site", async ({ browser, baseURL }) => {
  for (const next of HOSTILE) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
    await page.getByLabel("Email").fill("viewer@acme.demo.patronus.dev");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/orgs" || url.host !== new URL(baseURL!).host);
    expect(new URL(page.url()).origin, JSON.stringify(next)).toBe(new URL(baseURL!).origin);
    await context.close();
  }
});

// Class 10: the production build shows the mail outbox to nobody, even with MAIL_OUTBOX_UI
// set and to a platform operator (global setup sets both). test/security/dev-outbox.int.test.ts
// covers who sees it outside production.
test("the mail outbox is not served in production", async ({ page, request, consoleGuard }) => {
  expect((await request.get("/dev/outbox")).status()).toBe(404);
  consoleGuard.allow(/status of 404/);
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("msp-admin@demo.patronus.dev");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/orgs");
  const res = await page.goto("/dev/outbox");
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId("mail")).toHaveCount(0);
});
