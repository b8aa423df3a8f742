import AxeBuilder from "@axe-core/playwright";
import { DEMO_PASSWORD, expect, signIn, test, uniqueSlug } from "./fixtures";

/**
 * An admin creates a read-only key limited to one network, copies its token from the
 * one-time dialog, finds it listed by its prefix only, and revokes it.
 */
test("create an API key, see its token once, find it listed, revoke it", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, "msp-admin@demo.patronus.dev", DEMO_PASSWORD);
  await page.goto("/o/acme/api-keys");
  await expect(page.getByRole("heading", { name: "Create an API key" })).toBeVisible();

  const name = `e2e ${uniqueSlug("key")}`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Read-only" }).click();
  await expect(page.getByLabel("View (site.read)")).toBeChecked();
  await expect(page.getByLabel("Change (site.write)")).not.toBeChecked();
  await page.getByLabel("Expires").selectOption("30");
  await page.getByLabel("Allowed addresses").fill("203.0.113.9/24");
  await page.getByRole("button", { name: "Create key" }).click();

  // The token, once, in a dialog with a warning and a Copy button.
  const dialog = page.getByRole("dialog", { name: `API key "${name}" created` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText("it will not be shown again")).toBeVisible();
  const token = await dialog.getByTestId("api-key-token").inputValue();
  expect(token).toMatch(/^pat_[0-9A-Za-z]{8}_[0-9A-Za-z]{40}$/);
  await dialog.getByRole("button", { name: "Copy" }).click();
  await expect(dialog.getByText("Copied to the clipboard.")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  await dialog.getByRole("button", { name: "I have copied it" }).click();
  await expect(dialog).toBeHidden();

  // Listed by its prefix, with the canonical network; the secret is nowhere on the page.
  const secret = token.slice(13);
  const row = page.getByTestId("api-key-row").filter({ hasText: name });
  await expect(row).toHaveAttribute("data-prefix", token.slice(0, 12));
  await expect(row).toHaveAttribute("data-status", "active");
  await expect(row).toContainText("from 203.0.113.0/24");
  await expect(row.getByTitle(/site\.read/)).toContainText("read-only");
  await page.reload();
  await expect(row).toBeVisible();
  expect(await page.content()).not.toContain(secret);

  // Revoke, after confirming.
  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  const confirm = page.getByRole("dialog", { name: `Revoke "${name}"?` });
  await confirm.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toHaveAttribute("data-status", "revoked");
  await expect(row.getByRole("button", { name: `Revoke ${name}` })).toHaveCount(0);
});

/**
 * The newcomer's path: a key made in the portal lists the demo org's sites over the REST
 * API, the reference page renders from the portal itself, and browser origins are saved.
 */
test("a new key calls the REST API, the docs page renders, CORS origins save", async ({
  page,
  request,
}) => {
  await signIn(page, "it@acme.demo.patronus.dev", DEMO_PASSWORD);
  await page.goto("/o/acme/api-keys");
  const name = `e2e ${uniqueSlug("rest")}`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Read-only" }).click();
  await page.getByRole("button", { name: "Create key" }).click();
  const dialog = page.getByRole("dialog", { name: `API key "${name}" created` });
  const token = await dialog.getByTestId("api-key-token").inputValue();
  await dialog.getByRole("button", { name: "I have copied it" }).click();

  const sites = await request.get("/api/v1/orgs/acme/sites", {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(sites.status()).toBe(200);
  const body = (await sites.json()) as { items: { name: string }[]; next: string | null };
  expect(body.items.length).toBeGreaterThan(0);
  expect(sites.headers()["x-request-id"]).toBeTruthy();
  const write = await request.post("/api/v1/orgs/acme/sites", {
    headers: { authorization: `Bearer ${token}` },
    data: { name: "not with a read-only key" },
  });
  expect(write.status()).toBe(403);

  await page.getByLabel("Allowed origins").fill("https://app.example.test/");
  await page.getByRole("button", { name: "Save origins" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Allowed origins")).toHaveValue("https://app.example.test");
  await page.getByLabel("Allowed origins").fill("");
  await page.getByRole("button", { name: "Save origins" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();

  await page.goto("/api/v1/docs");
  await expect(page.getByRole("heading", { name: /Patronus API/ })).toBeVisible();
  // Every tag is listed, closed; opening one shows its operations.
  await expect(page.getByRole("link", { name: "Webhooks", exact: true })).toBeVisible();
  await page.getByRole("link", { name: "Sites", exact: true }).click();
  await expect(page.getByText("/orgs/{orgSlug}/sites/{siteId}").first()).toBeVisible();
});
