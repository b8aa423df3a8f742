import AxeBuilder from "@axe-core/playwright";
import { insertDevice, insertIncident, insertRollout } from "./demo-objects";
import { DEMO_PASSWORD, expect, failedResource, signIn, test } from "./fixtures";
import { matches, pageRoutes } from "./page-routes";

/**
 * Automated accessibility audit (axe-core, WCAG 2.1 A/AA rules) of every page of the app
 * (checked against app/'s page files), in the light and the dark theme, on a desktop and a
 * phone-sized viewport. Serious and critical findings fail the test.
 */
const PUBLIC_PAGES = [
  "/",
  "/sign-in",
  "/sign-up",
  "/forgot-password",
  "/reset-password",
  "/reset-password?token=not-a-token",
  "/verify-email",
  "/verify-email?error=invalid_token",
  "/invite/not-a-real-token",
  "/embed/not-a-real-token",
  "/no-such-page",
];
const ORG_PAGES = [
  "/orgs",
  "/orgs/new",
  "/dev/outbox",
  "/o/demo-msp",
  "/o/demo-msp/members",
  "/o/demo-msp/customers",
  "/o/demo-msp/billing",
  "/o/acme",
  "/o/acme/billing",
  "/o/acme/api-keys",
  "/o/acme/audit",
  "/o/acme/members",
  "/o/acme/settings",
  "/o/acme/sites",
  "/o/acme/policies",
  "/o/acme/rollouts",
  "/o/acme/topology",
  "/o/acme/steering",
  "/o/acme/webhooks",
  "/o/acme/branding",
  "/o/acme/domains",
  "/o/acme/devices",
  "/o/acme/incidents",
  "/o/acme/reports",
  "/o/acme/path-events",
  "/o/acme/alerts",
];

type Page = import("@playwright/test").Page;

async function audit(page: Page, path: string) {
  await page.goto(path);
  visited.push(new URL(page.url()).pathname);
  return auditHere(page, path);
}

/** Audits the page as it stands (after a click that revealed more of it). */
async function auditHere(page: Page, path: string) {
  await page.waitForLoadState("networkidle");
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) => `${path}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    );
}

/** Demo objects for the pages with ids, made once (the audits share them). */
let ids:
  | Promise<{ siteId: string; rolloutId: string; deviceId: string; incidentId: string }>
  | undefined;
/** Every page some audit opened, to check that none of app/ is left out. */
const visited: string[] = [];

const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
];

/** The pages of each audit: public ones, then signed in as the MSP admin. */
const GROUPS: Record<string, (page: Page) => Promise<string[]>> = {
  "public pages": (page) => auditAll(page, PUBLIC_PAGES),
  "org pages": async (page) => {
    await signIn(page, "msp-admin@demo.patronus.dev", DEMO_PASSWORD);
    return auditAll(page, ORG_PAGES);
  },
  "pages with ids and opened views": async (page) => {
    await signIn(page, "msp-admin@demo.patronus.dev", DEMO_PASSWORD);
    ids ??= demoIds(page);
    const { siteId, rolloutId, deviceId, incidentId } = await ids;
    const findings = await auditAll(page, [
      `/o/acme/sites/${siteId}`,
      `/o/acme/sites/${siteId}/paths`,
      `/o/acme/sites/${siteId}/traffic`,
      `/o/acme/rollouts/${rolloutId}`,
      `/o/acme/devices/${deviceId}`,
      `/o/acme/incidents/${incidentId}`,
    ]);
    findings.push(...(await auditNewSite(page)));
    findings.push(...(await auditOverlay(page)));
    findings.push(...(await auditPhoneMenu(page)));
    return findings;
  },
};

async function auditAll(page: Page, paths: string[]) {
  const findings: string[] = [];
  for (const path of paths) findings.push(...(await audit(page, path)));
  return findings;
}

for (const theme of ["light", "dark"] as const) {
  for (const viewport of VIEWPORTS) {
    for (const [group, run] of Object.entries(GROUPS)) {
      test(`${group} pass an accessibility audit (${theme}, ${viewport.name})`, async ({
        page,
        context,
        consoleGuard,
        baseURL,
      }) => {
        // Each page is waited on until the network is idle, on a busy 2-core machine.
        test.setTimeout(240_000);
        consoleGuard.allow(failedResource(404));
        await context.addCookies([{ name: "theme", value: theme, url: baseURL as string }]);
        await page.setViewportSize(viewport);
        const findings = await run(page);
        await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
        expect(findings).toEqual([]);
      });
    }
  }
}

test("the audits open every page of the app", () => {
  const missed = pageRoutes().filter((route) => !visited.some((p) => matches(route, p)));
  expect(missed, "pages no audit visits (add them above)").toEqual([]);
});

/** A seeded site of acme (prisma/seed.ts makes three), a rollout, a device and an incident of it. */
async function demoIds(page: Page) {
  await page.goto("/o/acme/sites");
  const siteId = await page.getByTestId("site-row").first().getAttribute("data-site-id");
  if (!siteId) throw new Error("acme has no site (prisma/seed.ts makes three)");
  return {
    siteId,
    rolloutId: await insertRollout(),
    deviceId: await insertDevice(siteId),
    incidentId: await insertIncident(siteId),
  };
}

/** A site's page with an install command shown: make a site, then audit it. */
async function auditNewSite(page: Page) {
  await page.goto("/o/acme/sites");
  await page.getByLabel("Site name").fill(`a11y ${Date.now().toString(36)}`);
  await page.getByRole("button", { name: "Create site" }).click();
  await page.waitForURL(/\/o\/acme\/sites\/[^/]+$/);
  const path = new URL(page.url()).pathname;
  await page.getByRole("button", { name: "Create install command" }).click();
  await expect(page.getByTestId("install-command")).toBeVisible();
  return auditHere(page, `${path} (install command shown)`);
}

/** The overlay's views with content: a pair's paths opened on the map. */
async function auditOverlay(page: Page) {
  await page.goto("/o/acme/topology");
  const pair = page.getByTestId("topology-edge-row").first();
  if (!(await pair.isVisible())) return [];
  await pair.getByRole("button", { name: "Paths between" }).click();
  await expect(page.getByTestId("topology-path-row").first()).toBeVisible();
  return auditHere(page, "/o/acme/topology (a pair's paths shown)");
}

/** The phone's navigation menu, opened (on a phone-sized viewport only). */
async function auditPhoneMenu(page: Page) {
  await page.goto("/o/acme");
  if (!(await page.getByRole("button", { name: "Menu" }).isVisible())) return [];
  await page.getByRole("button", { name: "Menu" }).click();
  await expect(page.getByRole("navigation", { name: "Organization" })).toBeVisible();
  return auditHere(page, "/o/acme (phone menu open)");
}
