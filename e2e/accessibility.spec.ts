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
  "/o/acme/audit",
  "/o/acme/settings",
];

async function audit(page: import("@playwright/test").Page, path: string) {
  await page.goto(path);
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
    await page.setViewportSize(viewport);
    const findings: string[] = [];
    for (const path of PUBLIC_PAGES) findings.push(...(await audit(page, path)));
    await signIn(page, "msp-admin@demo.patronus.dev", DEMO_PASSWORD);
    for (const path of ORG_PAGES) findings.push(...(await audit(page, path)));
    expect(findings).toEqual([]);
  });
}
