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
