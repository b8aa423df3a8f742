// The portal's lists on an org with 1,000 sites: the server searches, counts, sorts and
// pages (forward, back, and with the browser's Back), the CSV export has every row, the
// audit log filters by who, what and when, and a phone shows each row as a card.
import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { expect, ownerQuery, signUpAndVerify, test, uniqueEmail, uniqueSlug } from "./fixtures";

async function newOrg(page: Page) {
  await signUpAndVerify(page, {
    name: "Lina Lists",
    email: uniqueEmail("lists"),
    password: "correct-horse-battery",
  });
  await page.goto("/orgs/new");
  await page.getByLabel("Organization name", { exact: true }).fill(`Lists ${uniqueSlug("org")}`);
  const slug = await page.getByLabel("URL name", { exact: true }).inputValue();
  await page.getByRole("button", { name: "Create organization" }).click();
  await page.waitForURL(`**/o/${slug}`);
  return slug;
}

/** 1,000 sites, site-0000 … site-0999, straight into the database (quota aside). */
async function thousandSites(slug: string) {
  await ownerQuery(
    `INSERT INTO sites (id, "orgId", name, settings, "updatedAt")
     SELECT 'lst' || o.id || lpad(n::text, 4, '0'), o.id, 'site-' || lpad(n::text, 4, '0'),
            '{}'::jsonb, now()
     FROM organizations o, generate_series(0, 999) n WHERE o.slug = $1`,
    [slug],
  );
}

const names = (page: Page) => page.getByTestId("site-row").getByRole("link").allTextContents();
const count = (page: Page) => page.getByTestId("list-count");

test("1,000 sites: search, paging, sort and CSV, all on the server", async ({ page }) => {
  test.setTimeout(180_000);
  const slug = await newOrg(page);
  await thousandSites(slug);
  await page.goto(`/o/${slug}/sites`);
  await expect(count(page)).toHaveText("Showing 1–50 of 1,000 sites");
  await expect(page.getByTestId("site-row")).toHaveCount(50);

  // Search narrows on the server (the page never had the other rows): site-0500 … site-0599.
  await page.getByRole("searchbox", { name: "Search sites" }).fill("site-05");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/\?q=site-05$/);
  await expect(count(page)).toHaveText("Showing 1–50 of 100 sites");
  await expect(page.getByTestId("site-row").first()).toContainText("site-0500");

  // Forward twice, back once (the button), then the browser's Back: counts and rows agree.
  const seen: string[] = [...(await names(page))];
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(count(page)).toHaveText("Showing 51–100 of 100 sites");
  await expect(page.getByTestId("site-row").first()).toContainText("site-0550");
  seen.push(...(await names(page)));
  expect(new Set(seen).size).toBe(100);
  await expect(page.getByRole("button", { name: "Next", exact: true })).toBeDisabled();
  await page.getByRole("button", { name: "Previous", exact: true }).click();
  await expect(count(page)).toHaveText("Showing 1–50 of 100 sites");
  await page.goBack();
  await expect(count(page)).toHaveText("Showing 51–100 of 100 sites");

  // A search that matches nothing says so, and clearing it shows them all again.
  await page.getByRole("searchbox", { name: "Search sites" }).fill("nothing-like-this");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page.getByTestId("list-empty")).toContainText("No sites match these filters.");
  await page.getByRole("button", { name: "Clear the filters" }).click();
  await expect(count(page)).toHaveText("Showing 1–50 of 1,000 sites");

  // Paging over all of them, three pages in: 101–150, no repeats.
  const pages: string[] = [];
  for (const range of ["1–50", "51–100", "101–150"]) {
    await expect(count(page)).toHaveText(`Showing ${range} of 1,000 sites`);
    pages.push(...(await names(page)));
    if (range !== "101–150") await page.getByRole("button", { name: "Next", exact: true }).click();
  }
  expect(new Set(pages).size).toBe(150);
  expect(pages.at(-1)).toBe("site-0149");

  // Sort by name, descending: the heading says so and the last site comes first.
  await page.getByRole("button", { name: /^Name/ }).click();
  const nameHeader = page.getByRole("columnheader", { name: /Name/ });
  await expect(nameHeader).toHaveAttribute("aria-sort", "descending");
  await expect(count(page)).toHaveText("Showing 1–50 of 1,000 sites");
  await expect(page.getByTestId("site-row").first()).toContainText("site-0999");

  // The CSV has every site (past the 500 rows of one API page): a header and 1,000 lines.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const file = await (await download).path();
  const text = (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
  const lines = text.split("\r\n").filter(Boolean);
  expect(lines).toHaveLength(1_001);
  expect(lines[1]).toContain(",site-0999,");
});

test("the audit log filters by who, what and when", async ({ page }) => {
  test.setTimeout(120_000);
  const slug = await newOrg(page);
  await ownerQuery(
    `INSERT INTO audit_logs (id, "orgId", "actorKind", "actorEmail", action, "targetType", "targetId", after, "createdAt")
     SELECT 'aud' || o.id || v.n, o.id, 'user', v.who, v.action, 'site', v.target,
            '{"name":"a very long value that must wrap inside its column rather than stretch the page"}'::jsonb,
            v.at::timestamptz
     FROM organizations o, (VALUES
       ('1', 'alice@lists.test', 'lists.alpha', 't1', '2026-01-10T10:00:00Z'),
       ('2', 'bob@lists.test',   'lists.beta',  't2', '2026-02-10T10:00:00Z'),
       ('3', 'bob@lists.test',   'lists.alpha', 't3', '2026-03-10T10:00:00Z')
     ) AS v(n, who, action, target, at)
     WHERE o.slug = $1`,
    [slug],
  );
  await page.goto(`/o/${slug}/audit`);
  const rows = page.getByTestId("audit-row");
  const filters = page.getByRole("search", { name: "Filter audit log" });
  await filters.getByLabel("Action (site.create…)").fill("lists.alpha");
  await filters.getByRole("button", { name: "Search", exact: true }).click();
  await expect(count(page)).toHaveText("2 entries");
  await expect(rows).toHaveCount(2);

  await filters.getByLabel("Who (email or id)").fill("bob@");
  await filters.getByRole("button", { name: "Search", exact: true }).click();
  await expect(count(page)).toHaveText("1 entry");
  await expect(rows.first()).toContainText("t3");

  await filters.getByLabel("Who (email or id)").fill("");
  await filters.getByLabel("Action (site.create…)").fill("");
  await filters.getByLabel("From (UTC)").fill("2026-02-01");
  await filters.getByLabel("To (UTC)").fill("2026-02-28");
  await filters.getByRole("button", { name: "Search", exact: true }).click();
  await expect(count(page)).toHaveText("1 entry");
  await expect(rows.first()).toHaveAttribute("data-action", "lists.beta");
  await expect(page).toHaveURL(/since=2026-02-01/);

  // The layout is fixed: the long change wraps inside the table, which fits the page.
  const table = page.getByTestId("audit-table");
  const box = await table.boundingBox();
  const viewport = page.viewportSize();
  expect(box && viewport && box.x + box.width <= viewport.width).toBe(true);
});

test("on a phone each row is a card with its column labels", async ({ page }) => {
  test.setTimeout(120_000);
  const slug = await newOrg(page);
  await thousandSites(slug);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/o/${slug}/sites`);
  const row = page.getByTestId("site-row").first();
  await expect(row).toContainText("site-0000");
  const cell = row.locator("td").first();
  expect(await cell.evaluate((td) => getComputedStyle(td).display)).toBe("block");
  expect(await cell.evaluate((td) => getComputedStyle(td, "::before").content)).toContain("Name");
  const box = await row.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
  // Still a table for screen readers: the headers are there, out of sight.
  await expect(page.getByRole("columnheader", { name: /Name/ })).toHaveCount(1);
});
