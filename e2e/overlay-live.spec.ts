// Live overlay state from real agent processes: a new org's two sites get WAN links and an
// agent each, installed with the site's install command (simulated data plane, and the
// simulated overlay: a real tunnel key, synthetic probes, the real path selection). The
// portal then shows the pair connected with live health, the site's paths with their
// measurements, chart and selection, and a steering policy changed in the UI moves its
// traffic to the path it now prefers. Every wait is on what the page shows, never on time.
import { expect, signUpAndVerify, test, uniqueEmail, uniqueSlug } from "./fixtures";
import { installAgent, stopAllAgents } from "./sim-agent";

type Page = import("@playwright/test").Page;

test.afterEach(stopAllAgents);

async function createSite(page: Page, slug: string, name: string) {
  await page.goto(`/o/${slug}/sites`);
  await page.getByLabel("Site name").fill(name);
  await page.getByRole("button", { name: "Create site" }).click();
  await page.waitForURL(/\/sites\/[^/]+$/);
  return new URL(page.url()).pathname;
}

async function addLink(
  page: Page,
  link: { name: string; kind: string; ifname: string; publicAddress: string },
) {
  const form = page.getByRole("form", { name: "Add a WAN link" });
  await form.getByLabel("Link name").fill(link.name);
  await form.getByLabel("Kind").selectOption(link.kind);
  await form.getByLabel("Interface").fill(link.ifname);
  await form.getByLabel("Public address").fill(link.publicAddress);
  await form.getByRole("button", { name: "Add link" }).click();
  await expect(
    page.getByTestId("wan-link-row").filter({ has: page.getByRole("cell", { name: link.name }) }),
  ).toBeVisible();
}

test("simulated agents put live paths, health and selections in the topology and paths pages", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await signUpAndVerify(page, {
    name: "Lena Live",
    email: uniqueEmail("overlay-live"),
    password: "correct-horse-battery",
  });
  await page.goto("/orgs/new");
  await page.getByLabel("Organization name", { exact: true }).fill(`Live ${uniqueSlug("org")}`);
  const slug = await page.getByLabel("URL name", { exact: true }).inputValue();
  await page.getByRole("button", { name: "Create organization" }).click();
  await page.waitForURL(`**/o/${slug}`);

  // North has fiber; South has fiber and LTE: two paths, North fiber to each of South's.
  const north = await createSite(page, slug, "Live North");
  await addLink(page, {
    name: "fiber",
    kind: "fiber",
    ifname: "eth0",
    publicAddress: "203.0.113.31",
  });
  const south = await createSite(page, slug, "Live South");
  await addLink(page, {
    name: "fiber",
    kind: "fiber",
    ifname: "eth0",
    publicAddress: "198.51.100.31",
  });
  await addLink(page, { name: "lte", kind: "lte", ifname: "wwan0", publicAddress: "192.0.2.31" });

  // A policy for some sources: prefer South's LTE.
  await page.goto(`/o/${slug}/steering`);
  const add = page.getByRole("form", { name: "Add a steering policy" });
  await add.getByLabel("Policy name").fill("Backups via LTE");
  await add.getByLabel("Priority").fill("10");
  await add.getByLabel("Source prefixes").fill("10.99.0.0/16");
  await add.getByRole("button", { name: "Add a preferred path" }).click();
  await add.getByLabel("Preference 1: to site").selectOption({ label: "Live South" });
  await add.getByLabel("Preference 1: to remote link").selectOption({ label: "remote lte" });
  await add.getByRole("button", { name: "Add policy" }).click();
  const policyRow = page.locator(
    '[data-testid="steering-policy-row"][data-name="Backups via LTE"]',
  );
  await expect(policyRow).toBeVisible();
  const policyId = await policyRow.getAttribute("data-policy-id");
  expect(policyId).toBeTruthy();

  await installAgent(page, north, "north");
  await installAgent(page, south, "south");

  // The topology: the pair, connected, healthy, with both paths measured.
  await page.goto(`/o/${slug}/topology`);
  const pair = page.getByTestId("topology-edge-row");
  await expect(pair).toHaveCount(1);
  await expect(pair).toContainText("Live North");
  await expect(pair).toContainText("Live South");
  await expect(pair).toHaveAttribute("data-health", "up", { timeout: 120_000 });
  await expect(page.locator('[data-testid="topology-site-row"][data-online="true"]')).toHaveCount(
    2,
  );
  await pair.getByRole("button", { name: "Paths between" }).click();
  const topoPaths = page.getByTestId("topology-path-row");
  await expect(topoPaths).toHaveCount(2);
  for (const row of await topoPaths.all())
    await expect(row).toHaveAttribute("data-health", "up", { timeout: 30_000 });

  // North's paths: both tunnels up and healthy, a chart with measurements, the selection.
  await page.goto(`${north}/paths`);
  const rows = page.getByTestId("path-row");
  await expect(rows).toHaveCount(2);
  for (const row of await rows.all()) {
    await expect(row).toHaveAttribute("data-health", "up", { timeout: 30_000 });
    await expect(row).toHaveAttribute("data-tunnel", "up");
    await expect(row).toContainText(/\d ms/);
  }
  const ltePath = await rows.filter({ hasText: "Live South / lte" }).getAttribute("data-path-id");
  const fiberPath = await rows
    .filter({ hasText: "Live South / fiber" })
    .getAttribute("data-path-id");
  expect(ltePath).toMatch(/~/);
  expect(fiberPath).toMatch(/~/);

  const chart = page.getByTestId("path-chart");
  await expect(chart).toBeVisible();
  await expect(chart.locator("figcaption")).toContainText(/latency [\d.]+ ms to [\d.]+ ms/, {
    timeout: 30_000,
  });
  await expect(chart.locator(".recharts-line").first()).toBeVisible();

  await expect(page.getByTestId("selection-row").first()).toBeVisible({ timeout: 30_000 });
  const policySelection = page.locator(
    `[data-testid="selection-row"][data-unit="policy:${policyId}"]`,
  );
  await expect(policySelection).toHaveAttribute("data-path-id", ltePath!, { timeout: 30_000 });
  await expect(policySelection).toContainText("Backups via LTE");

  // The operator moves the policy to South's fiber; the box moves the traffic there.
  await page.goto(`/o/${slug}/steering`);
  await page.getByRole("button", { name: "Edit policy Backups via LTE" }).click();
  const edit = page.getByRole("form", { name: "Edit policy Backups via LTE" });
  await edit.getByLabel("Preference 1: to remote link").selectOption({ label: "remote fiber" });
  await edit.getByRole("button", { name: "Save policy" }).click();
  await expect(edit).toBeHidden();
  await expect(policyRow).toContainText("to fiber");

  await page.goto(`${north}/paths`);
  await expect(policySelection).toHaveAttribute("data-path-id", fiberPath!, { timeout: 60_000 });
  // The box says why, in the incident timeline.
  await expect(
    page
      .locator('[data-testid="incident-row"][data-kind="failback"]')
      .filter({ hasText: "Backups via LTE" })
      .first(),
  ).toContainText("a better-ranked path came up", { timeout: 30_000 });
});
