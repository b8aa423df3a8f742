import AxeBuilder from "@axe-core/playwright";
import { DEMO_PASSWORD, expect, signIn, test } from "./fixtures";

/**
 * Automated accessibility audit (axe-core, WCAG 2.1 A/AA rules) of the main pages, on a
 * desktop and a phone-sized viewport. Serious and critical findings fail the test.
 */
const PUBLIC_PAGES = ["/", "/sign-in", "/sign-up", "/forgot-password"];
const ORG_PAGES = [
  "/orgs",
  "/orgs/new",
  "/o/demo-msp",
  "/o/demo-msp/members",
  "/o/demo-msp/customers",
  "/o/demo-msp/billing",
  "/o/acme/billing",
  "/o/acme/audit",
  "/o/acme/settings",
  "/o/acme/sites",
  "/o/acme/policies",
  "/o/acme/rollouts",
  "/o/acme/topology",
  "/o/acme/steering",
];

type Page = import("@playwright/test").Page;

async function audit(page: Page, path: string) {
  await page.goto(path);
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

for (const viewport of [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
]) {
  test(`main pages pass an accessibility audit (${viewport.name})`, async ({ page }) => {
    // Some twenty pages, each waited on until the network is idle, on a 2-core machine.
    test.setTimeout(180_000);
    await page.setViewportSize(viewport);
    const findings: string[] = [];
    for (const path of PUBLIC_PAGES) findings.push(...(await audit(page, path)));
    await signIn(page, "msp-admin@demo.patronus.dev", DEMO_PASSWORD);
    for (const path of ORG_PAGES) findings.push(...(await audit(page, path)));
    findings.push(...(await auditNewSite(page, viewport.name)));
    findings.push(...(await auditOverlay(page)));
    expect(findings).toEqual([]);
  });
}

/** A site's page exists only once a site does: make one, then audit it with a command shown. */
async function auditNewSite(page: Page, label: string) {
  await page.goto("/o/acme/sites");
  await page.getByLabel("Site name").fill(`a11y ${label} ${Date.now().toString(36)}`);
  await page.getByRole("button", { name: "Create site" }).click();
  await page.waitForURL(/\/o\/acme\/sites\/[^/]+$/);
  const path = new URL(page.url()).pathname;
  const findings = await audit(page, path);
  findings.push(...(await audit(page, `${path}/paths`)));
  await page.goto(path);
  await page.getByRole("button", { name: "Create install command" }).click();
  await expect(page.getByTestId("install-command")).toBeVisible();
  findings.push(...(await auditHere(page, `${path} (install command shown)`)));
  return findings;
}

/** The overlay's views with content: a pair's paths opened on the map, a seeded site's paths. */
async function auditOverlay(page: Page) {
  await page.goto("/o/acme/topology");
  const findings: string[] = [];
  const pair = page.getByTestId("topology-edge-row").first();
  if (await pair.isVisible()) {
    await pair.getByRole("button", { name: "Paths between" }).click();
    await expect(page.getByTestId("topology-path-row").first()).toBeVisible();
    findings.push(...(await auditHere(page, "/o/acme/topology (a pair's paths shown)")));
  }
  await page.goto("/o/acme/sites");
  await page.getByTestId("site-row").first().getByRole("link").click();
  await page.waitForURL(/\/o\/acme\/sites\/[^/]+$/);
  findings.push(...(await audit(page, `${new URL(page.url()).pathname}/paths`)));
  return findings;
}
