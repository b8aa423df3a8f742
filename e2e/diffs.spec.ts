// Readable diffs: a policy rule changed in the UI shows in the audit log as the field that
// changed, before and after (no raw JSON), and its rollout shows what changed in the intent
// and in a device's desired state. The device is a row of its own site (no agent answers:
// its rollout stays rolling, which is all the diff needs).

import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { DEMO_PASSWORD, expect, ownerQuery, signIn, test } from "./fixtures";

type Page = import("@playwright/test").Page;

/** The revision the policies page shows, once it is above `above`. */
async function nextRevision(page: Page, above: number) {
  const status = page.getByTestId("fleet-status");
  await expect
    .poll(async () => Number(await status.getAttribute("data-revision")), { timeout: 15_000 })
    .toBeGreaterThan(above);
  return Number(await status.getAttribute("data-revision"));
}

async function seriousFindings(page: Page) {
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test("a policy change reads as a diff in the audit log and in its rollout", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "it@acme.demo.patronus.dev", DEMO_PASSWORD);
  const tag = randomBytes(3).toString("hex");
  const siteName = `Diff site ${tag}`;
  const hostname = `diff-box-${tag}`;

  await page.goto("/o/acme/sites");
  await page.getByLabel("Site name").fill(siteName);
  await page.getByLabel("WAN address").fill("203.0.113.8");
  await page.getByRole("button", { name: "Create site" }).click();
  await page.waitForURL(/\/o\/acme\/sites\/[a-z0-9]+$/);
  const siteId = page.url().split("/").at(-1);
  await ownerQuery(
    `INSERT INTO devices (id, "orgId", "siteId", hostname, status, "updatedAt")
     SELECT $1, "orgId", id, $2, 'active', now() FROM sites WHERE id = $3`,
    [`devdiff${tag}`, hostname, siteId],
  );

  // A rule for that site, then its destination changed: two rollouts for the device.
  await page.goto("/o/acme/policies");
  const start = Number(await page.getByTestId("fleet-status").getAttribute("data-revision"));
  const priority = String(30_000 + randomBytes(2).readUInt16BE(0));
  const form = page.getByRole("form", { name: "Add a rule" });
  await form.getByLabel("Applies to").selectOption({ label: siteName });
  await form.getByLabel("Priority").fill(priority);
  await form.getByLabel("Action").selectOption("deny");
  await form.getByLabel("Source").fill("10.0.0.0/8");
  await form.getByLabel("Destination").fill("10.77.0.0/16");
  await form.getByRole("button", { name: "Add rule" }).click();
  const row = page.locator(`[data-testid="rule-row"][data-priority="${priority}"]`);
  await expect(row).toBeVisible();
  const added = await nextRevision(page, start);
  const latest = page.getByTestId("latest-rollout");
  await expect(latest).toHaveAttribute("data-revision", String(added), { timeout: 30_000 });

  await row.getByRole("button", { name: /^Edit/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Destination").fill("10.78.0.0/16");
  await dialog.getByRole("button", { name: "Save rule" }).click();
  await expect(dialog).toBeHidden();
  const changed = await nextRevision(page, added);
  await expect(latest).toHaveAttribute("data-revision", String(changed), { timeout: 30_000 });

  // The audit log: the field that changed, before and after, as text.
  await page.goto("/o/acme/audit");
  const change = page
    .getByTestId("diff-change")
    .filter({ hasText: "10.78.0.0/16" })
    .filter({ hasText: "10.77.0.0/16" })
    .first();
  await expect(change).toHaveAttribute("data-path", "dst");
  // The entry says what changed and nothing else.
  const entry = page.getByTestId("change-diff").filter({ has: change });
  await expect(entry.getByTestId("diff-change")).toHaveCount(1);
  await expect(change.locator("del")).toHaveText("10.77.0.0/16");
  await expect(change.locator("ins")).toHaveText("10.78.0.0/16");
  await expect(change).toContainText("before");
  await expect(change).toContainText("after");
  const diffs = page.getByTestId("change-diff");
  for (const text of await diffs.allInnerTexts()) expect(text).not.toMatch(/[{}]|":/);
  // The change column never widens the page.
  const widths = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  expect(widths[0]).toBeLessThanOrEqual((widths[1] ?? 0) + 1);
  expect(await seriousFindings(page)).toEqual([]);

  // The rollout: what changed in the intent, and in the device's config.
  await page.goto("/o/acme/policies");
  await latest.getByRole("link", { name: `View rollout ${changed}` }).click();
  await page.waitForURL(/\/o\/acme\/rollouts\/[^/]+$/);
  const intent = page.locator('[data-testid="section-diff"][data-section="rules"]');
  await expect(intent.getByTestId("diff-change")).toHaveCount(1);
  await expect(intent.getByTestId("diff-change")).toHaveAttribute("data-path", /\.dst$/);
  await expect(intent.locator("ins")).toHaveText("10.78.0.0/16");

  await page.getByLabel("Device to compare").selectOption({ label: `${hostname} (${siteName})` });
  const device = page.getByTestId("device-diff");
  await expect(device).toHaveAttribute("data-device-id", `devdiff${tag}`);
  const policy = device.locator('[data-testid="section-diff"][data-section="policy"]');
  await expect(policy.getByTestId("diff-change")).toHaveCount(1);
  await expect(policy.getByTestId("diff-change")).toHaveAttribute(
    "data-path",
    /^rules\[\d+\]\.dst$/,
  );
  await expect(policy.locator("del")).toHaveText("10.77.0.0/16");
  await expect(policy.locator("ins")).toHaveText("10.78.0.0/16");
  await expect(device.getByTestId("section-diff")).toHaveCount(1);
  expect(await seriousFindings(page)).toEqual([]);
});
