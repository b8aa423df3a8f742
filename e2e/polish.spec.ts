// Everyday polish of the portal, in Chromium: the phone menu, the theme (toggle, cookie,
// following the system), sign-in returning to the page asked for, dates in the viewer's
// zone and language, the copy confirmation and resending the verification email.
import type { Page } from "@playwright/test";
import { insertRollout } from "./demo-objects";
import {
  DEMO_PASSWORD,
  expect,
  failedResource,
  fillSignUp,
  followMailLink,
  ownerQuery,
  signIn,
  test,
  uniqueEmail,
} from "./fixtures";

const PHONE = { width: 390, height: 844 };

/** Whether the page's background is dark (its colour drawn on a canvas, then read back). */
async function canvasIsDark(page: Page) {
  return page.evaluate(() => {
    const ctx = document.createElement("canvas").getContext("2d");
    if (!ctx) throw new Error("no 2d canvas");
    ctx.fillStyle = getComputedStyle(document.body).backgroundColor;
    ctx.fillRect(0, 0, 1, 1);
    const [r = 255, g = 255, b = 255] = ctx.getImageData(0, 0, 1, 1).data;
    return (r + g + b) / 3 < 96;
  });
}

test("on a phone the org navigation is a menu: opens, closes on Escape and on navigation", async ({
  page,
}) => {
  await page.setViewportSize(PHONE);
  await signIn(page, "msp-admin@demo.patronus.dev", DEMO_PASSWORD);
  await page.goto("/o/acme/sites");
  const nav = page.getByRole("navigation", { name: "Organization" });
  const menu = page.getByRole("button", { name: "Menu" });
  await expect(nav).toBeHidden();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  const panelId = await menu.getAttribute("aria-controls");
  expect(panelId).toBeTruthy();

  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(page.locator(`#${panelId}`).getByRole("navigation")).toBeVisible();
  await nav.getByRole("link", { name: "Sites" }).focus();
  await page.keyboard.press("Escape");
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(nav).toBeHidden();
  await expect(menu).toBeFocused();

  await menu.click();
  await nav.getByRole("link", { name: "Policies" }).click();
  await page.waitForURL((url) => url.pathname === "/o/acme/policies");
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(nav).toBeHidden();
  // The bar wraps rather than overflowing the screen.
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
});

test("the theme toggle persists in a cookie and the server renders it", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await signIn(page, "msp-admin@demo.patronus.dev", DEMO_PASSWORD);
  const html = page.locator("html");
  const theme = page.getByRole("group", { name: "Theme" });
  await expect(html).toHaveAttribute("data-theme", "system");
  expect(await canvasIsDark(page)).toBe(false);

  await theme.getByRole("button", { name: "Dark" }).click();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(theme.getByRole("button", { name: "Dark" })).toHaveAttribute("aria-pressed", "true");
  expect(await canvasIsDark(page)).toBe(true);

  // The next page comes from the server already dark: no script decides it.
  const response = await page.goto("/o/acme");
  expect(await response?.text()).toContain('data-theme="dark"');
  expect(await canvasIsDark(page)).toBe(true);

  await theme.getByRole("button", { name: "Light" }).click();
  await page.emulateMedia({ colorScheme: "dark" });
  expect(await canvasIsDark(page)).toBe(false);
  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "light");
  expect(await canvasIsDark(page)).toBe(false);
});

test("with System, the page follows the system's colour scheme", async ({ page }) => {
  await signIn(page, "msp-admin@demo.patronus.dev", DEMO_PASSWORD);
  await page.getByRole("group", { name: "Theme" }).getByRole("button", { name: "System" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "system");
  await page.emulateMedia({ colorScheme: "dark" });
  await expect.poll(() => canvasIsDark(page)).toBe(true);
  await page.emulateMedia({ colorScheme: "light" });
  await expect.poll(() => canvasIsDark(page)).toBe(false);
  // The topology map follows too.
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/o/acme/topology");
  await expect(page.locator(".react-flow")).toHaveClass(/\bdark\b/);
});

test("a protected page sends to sign-in and back, with its query", async ({ page }) => {
  const asked = "/o/acme/audit?from=polish";
  await page.goto(asked);
  await page.waitForURL((url) => url.pathname === "/sign-in");
  expect(new URL(page.url()).searchParams.get("next")).toBe(asked);
  await page.getByLabel("Email").fill("msp-admin@demo.patronus.dev");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => `${url.pathname}${url.search}` === asked);
});

test("a new user sent to sign-in signs up, verifies and lands on the page asked for", async ({
  page,
}) => {
  await page.goto("/orgs/new");
  await page.waitForURL((url) => url.pathname === "/sign-in");
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.waitForURL((url) => url.pathname === "/sign-up");
  expect(new URL(page.url()).searchParams.get("next")).toBe("/orgs/new");
  const email = uniqueEmail("next");
  await fillSignUp(page, { name: "Next Person", email, password: "correct-horse-9" });
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await followMailLink(page, email, "verify-email");
  await page.waitForURL((url) => url.pathname === "/orgs/new");
  await expect(page.getByRole("heading", { name: "New organization" })).toBeVisible();
});

test("sign-up checks its fields in the browser with the server's messages", async ({ page }) => {
  await page.goto("/sign-up");
  let requests = 0;
  page.on("request", (r) => {
    if (r.url().includes("/api/auth/sign-up")) requests++;
  });
  await fillSignUp(page, { name: "", email: "not-an-address", password: "short" });
  await expect(page.getByText("Name is required")).toBeVisible();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByText("Password must be at least 8 characters")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  expect(requests).toBe(0);
});

test.describe("dates in the viewer's zone and language", () => {
  test.use({ timezoneId: "Asia/Tokyo", locale: "de-DE" });

  test("the audit log shows its times in Tokyo, in German, after hydration", async ({ page }) => {
    await signIn(page, "msp-admin@demo.patronus.dev", DEMO_PASSWORD);
    await page.goto("/o/acme/audit");
    const time = page.locator("main time").first();
    await expect(time).toBeVisible();
    const iso = await time.getAttribute("datetime");
    expect(iso).toMatch(/^\d{4}-\d\d-\d\dT/);
    const expected = await page.evaluate(
      (at) =>
        new Intl.DateTimeFormat("de-DE", {
          dateStyle: "medium",
          timeStyle: "short",
          timeZone: "Asia/Tokyo",
        }).format(new Date(at)),
      iso as string,
    );
    await expect(time).toHaveText(expected);
    // The tooltip says how long ago, in German.
    await expect(time).toHaveAttribute("title", /^(vor |jetzt|gestern|in )/);
  });

  test("relative times are in German and name the absolute time", async ({ page }) => {
    await signIn(page, "msp-admin@demo.patronus.dev", DEMO_PASSWORD);
    await page.goto(`/o/acme/rollouts/${await insertRollout()}`);
    const time = page.locator("main time").first();
    await expect(time).toHaveText(/^(vor |jetzt|gestern)/);
    await expect(time).toHaveAttribute("title", /\d{2}:\d{2}/);
  });
});

test.describe("copying", () => {
  test("the Copy button confirms on itself and to screen readers", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await signIn(page, "msp-admin@demo.patronus.dev", DEMO_PASSWORD);
    const field = await installCommand(page);
    await page.getByRole("button", { name: "Copy", exact: true }).click();
    await expect(page.getByRole("button", { name: "Copied", exact: true })).toBeVisible();
    await expect(
      page.getByRole("status").filter({ hasText: "Copied to the clipboard." }),
    ).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      await field.inputValue(),
    );
    // It offers to copy again afterwards.
    await expect(page.getByRole("button", { name: "Copy", exact: true })).toBeVisible();
  });

  test("without the Clipboard API, it copies the selection or says to", async ({ page }) => {
    await page.addInitScript(() => {
      Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true });
    });
    await signIn(page, "msp-admin@demo.patronus.dev", DEMO_PASSWORD);
    await installCommand(page);
    await page.getByRole("button", { name: "Copy", exact: true }).click();
    await expect(
      page.getByRole("status").filter({ hasText: /Copied to the clipboard\.|copy it yourself/ }),
    ).toBeVisible();
  });
});

/** A new site of acme with its install command shown (a CopyField). */
async function installCommand(page: Page) {
  await page.goto("/o/acme/sites");
  await page.getByLabel("Site name").fill(`copy ${Date.now().toString(36)}`);
  await page.getByRole("button", { name: "Create site" }).click();
  await page.waitForURL(/\/o\/acme\/sites\/[^/]+$/);
  await page.getByRole("button", { name: "Create install command" }).click();
  const field = page.getByTestId("install-command");
  await expect(field).toBeVisible();
  return field;
}

test("the verification page resends the email until the mail throttle says to wait", async ({
  page,
  consoleGuard,
}) => {
  consoleGuard.allow(failedResource(429));
  const email = uniqueEmail("resend");
  await page.goto("/sign-up?next=%2Forgs%2Fnew");
  await fillSignUp(page, { name: "Resend Person", email, password: "correct-horse-9" });
  await page.getByRole("link", { name: "Send it again" }).click();
  await page.waitForURL((url) => url.pathname === "/verify-email");
  await expect(page.getByLabel("Email")).toHaveValue(email);

  const mails = async () =>
    Number(
      (
        await ownerQuery(
          `SELECT count(*) FROM mail_outbox WHERE "to" = $1 AND kind = 'verify-email'`,
          [email],
        )
      ).rows[0].count,
    );
  const resend = page.getByRole("button", { name: "Resend email" });
  await resend.click();
  await expect(page.getByText("a new link is on its way")).toBeVisible();
  await expect.poll(mails).toBe(2);

  // The throttle allows a few per address and client: then it says how long to wait.
  const throttled = page.getByRole("alert").filter({ hasText: "Too many verification emails" });
  for (let i = 0; i < 12 && !(await throttled.isVisible()); i++) {
    await resend.click();
    await expect(resend).toBeEnabled();
  }
  await expect(throttled).toContainText(/Try again in \d+ min/);
  // The newest link works, and returns to the page sign-up was asked for.
  await followMailLink(page, email, "verify-email");
  await page.waitForURL((url) => url.pathname === "/orgs/new");
});

/** What has the focus, and whether it shows (an outline or a box shadow ring). */
async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const style = el ? getComputedStyle(el) : null;
    return {
      text: `${el?.tagName} ${el?.getAttribute("aria-label") ?? el?.textContent?.trim().slice(0, 30)}`,
      visible: !!style && style.outlineStyle !== "none" && style.outlineWidth !== "0px",
      inMain: !!el?.closest("main"),
      inDialog: !!el?.closest("dialog[open]"),
    };
  });
}

for (const theme of ["light", "dark"] as const) {
  test(`keyboard only: skip link, visible focus, sign-in, a dialog (${theme})`, async ({
    page,
    context,
    baseURL,
  }) => {
    await context.addCookies([{ name: "theme", value: theme, url: baseURL as string }]);
    await page.goto("/sign-in?next=%2Fo%2Facme%2Fsites");
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
    expect((await focused(page)).visible).toBe(true);
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    expect((await focused(page)).inMain).toBe(true);
    await page.getByLabel("Email").focus();
    await page.keyboard.type("msp-admin@demo.patronus.dev");
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Password")).toBeFocused();
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === "/o/acme/sites");

    // Through the top bar and the navigation: every stop shows its focus; none traps it.
    await page.keyboard.press("Tab");
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press("Tab");
      const now = await focused(page);
      expect(now.visible, `focus shown on ${now.text}`).toBe(true);
      seen.push(now.text);
    }
    expect(new Set(seen).size).toBeGreaterThan(10);

    // A confirmation dialog keeps the focus inside and gives it back on Escape.
    await page.getByTestId("site-row").first().getByRole("link").click();
    await page.waitForURL(/\/o\/acme\/sites\/[^/]+$/);
    const del = page.getByRole("button", { name: "Delete site" });
    await del.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
      const now = await focused(page);
      if (now.text.startsWith("BODY")) continue; // the browser's own UI, between laps
      expect(now.inDialog, `focus inside the dialog, not on ${now.text}`).toBe(true);
    }
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(del).toBeFocused();
  });
}
