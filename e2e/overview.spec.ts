// The operator's first screens on the demo fleet: Acme's four seeded sites each get a
// simulated agent (installed with the site's install command), the overview shows them
// online with live figures, and when one agent stops its site turns down on the open page,
// without a reload. The MSP's customers page lists Acme with its health and one click opens
// Acme's overview. Every wait is on what the page shows, never on time.
import AxeBuilder from "@axe-core/playwright";
import { DEMO_PASSWORD, expect, signIn, test } from "./fixtures";
import { installAgent, stopAgent, stopAllAgents } from "./sim-agent";

test.afterEach(stopAllAgents);

const DEMO_SITES = ["Paris HQ", "Lyon branch", "Berlin branch", "aws-us-east"];

type Page = import("@playwright/test").Page;

/** Serious and critical axe findings (WCAG 2.1 A/AA) inside the top applications tile. */
async function appsTileFindings(page: Page) {
  const { violations } = await new AxeBuilder({ page })
    .include('[data-testid="tile-apps"]')
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test("the overview shows the demo fleet live and updates when an agent goes offline", async ({
  page,
  context,
  baseURL,
}) => {
  test.setTimeout(300_000);
  await signIn(page, "it@acme.demo.patronus.dev", DEMO_PASSWORD);
  await page.goto("/o/acme/sites");
  const paths = new Map<string, string>();
  for (const name of DEMO_SITES) {
    const href = await page.getByRole("link", { name, exact: true }).getAttribute("href");
    expect(href).toBeTruthy();
    paths.set(name, href!);
  }
  const boxes = new Map();
  for (const [name, sitePath] of paths)
    boxes.set(name, await installAgent(page, sitePath, name.replace(/\W+/g, "-").toLowerCase()));

  await page.goto("/o/acme");
  // Marks this document: a reload would lose it.
  await page.evaluate(() => {
    (window as unknown as { overviewDoc: boolean }).overviewDoc = true;
  });
  const sites = page.getByTestId("tile-sites");
  const online = async () =>
    Number(await page.getByTestId("sites-up").textContent()) +
    Number(await page.getByTestId("sites-degraded").textContent());
  await expect.poll(online, { timeout: 150_000 }).toBeGreaterThanOrEqual(DEMO_SITES.length);
  await expect(page.getByTestId("overview-updated")).toContainText(/Updated \d+ (s|min) ago/);
  await expect(page.getByTestId("tile-devices")).toContainText("offline");
  await expect(page.getByTestId("tile-paths")).toContainText("measured");
  await expect(page.getByTestId("tile-incidents")).toContainText(/\d+ critical, \d+ warning/);
  await expect(page.getByTestId("tile-incidents")).toHaveAttribute(
    "href",
    /\/o\/[^/]+\/incidents$/,
  );
  // The agents report WAN usage with their heartbeats: throughput shows up.
  await expect(page.getByTestId("throughput-in")).not.toHaveText(/^0 B$/, { timeout: 90_000 });
  // ... with bytes per application class: Acme's classes (its config's: "interactive" is
  // one of the seeded classes, not of the demo set a box without classes uses) and
  // unclassified traffic are the top applications, each figure in text. A box counts them
  // once its config is in, so they arrive with a later heartbeat than the first throughput.
  const apps = page.getByTestId("tile-apps");
  await expect(apps.getByTestId("app-row").filter({ hasText: "interactive" })).toBeVisible({
    timeout: 120_000,
  });
  await expect(
    apps.getByTestId("app-row").filter({ hasText: "Other (unclassified)" }),
  ).toBeVisible();
  await expect(apps.getByRole("list")).toContainText(/\d+(\.\d)? [KMGT]?B in · /);
  expect(await appsTileFindings(page)).toEqual([]);
  await expect(page.getByTestId("tile-plan")).toBeVisible();
  await expect(page.getByTestId("tile-changes")).toBeVisible();
  const downBefore = Number(await page.getByTestId("sites-down").textContent());

  // Lyon's box stops: the open page shows the site down, on its own.
  stopAgent(boxes.get("Lyon branch"));
  await expect(sites).toContainText("Lyon branch: down", { timeout: 90_000 });
  await expect(page.getByTestId("sites-down")).toHaveText(String(downBefore + 1));
  expect(
    await page.evaluate(() => (window as unknown as { overviewDoc?: boolean }).overviewDoc),
  ).toBe(true);

  // The top applications read in the dark theme and at phone width too.
  await context.addCookies([{ name: "theme", value: "dark", url: baseURL as string }]);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(apps.getByTestId("app-row").first()).toBeVisible();
  expect(await appsTileFindings(page)).toEqual([]);
  expect(await apps.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

  // Each tile leads to its details.
  await page.getByTestId("tile-sites").click();
  await page.waitForURL("**/o/acme/sites");
});

test("the MSP overview lists its customers and one click opens a customer", async ({ page }) => {
  await signIn(page, "msp-admin@demo.patronus.dev", DEMO_PASSWORD);
  await page.goto("/o/demo-msp/customers");
  const row = page.getByTestId("customer-overview-row").filter({ hasText: "Acme Corp" });
  await expect(row).toBeVisible();
  await expect(row).toContainText("Through this MSP");
  await expect(row).toHaveAttribute("data-health", /up|degraded|down|pending/);
  // Other journeys add customers of their own (billed directly): Acme is not one of those.
  await page.getByLabel("Billing").selectOption("direct");
  await expect(row).toHaveCount(0);
  await page.getByLabel("Billing").selectOption("");
  await page.getByTestId("customers-search").fill("acme");
  await expect(page.getByTestId("customer-overview-row")).toHaveCount(1);
  await row.getByRole("link", { name: "Acme Corp" }).click();
  await page.waitForURL("**/o/acme");
  await expect(page.getByTestId("tile-sites")).toBeVisible();
});
