// White-label in the browser: an MSP names itself and picks its colours (a colour that
// fails contrast is refused with its ratio before anything is sent), uploads a PNG logo,
// then opens a customer's branding from the customer list, sees the MSP's brand inherited
// there and gives the customer its own; the branding page passes axe.
import AxeBuilder from "@axe-core/playwright";
import { solidPng } from "../testkit/png";
import { expect, failedResource, signUpAndVerify, test, uniqueEmail, uniqueSlug } from "./fixtures";

test("an MSP brands itself and a customer", async ({ page, consoleGuard }) => {
  test.setTimeout(120_000);
  // The image storage stand-in serves no /assets/<id> yet: an inherited logo shows its alt text.
  consoleGuard.allow(failedResource(404));
  await signUpAndVerify(page, {
    name: "Bea Branding",
    email: uniqueEmail("branding"),
    password: "correct-horse-battery",
  });
  await page.goto("/orgs/new");
  await page.getByLabel("Organization name", { exact: true }).fill(`Skyline ${uniqueSlug("msp")}`);
  await page.getByLabel("Type").selectOption("msp");
  const slug = await page.getByLabel("URL name", { exact: true }).inputValue();
  await page.getByRole("button", { name: "Create organization" }).click();
  await page.waitForURL(`**/o/${slug}`);

  const nav = page.getByRole("navigation", { name: "Organization" });
  await nav.getByRole("link", { name: "Branding" }).click();
  await expect(page.getByRole("heading", { name: "Branding", exact: true })).toBeVisible();

  // Name and colours; a primary that fails contrast is refused with its measured ratio.
  await page.getByLabel("Product name").fill("Skyline Networks");
  await page.getByRole("textbox", { name: "Primary colour", exact: true }).fill("#ff9900");
  await expect(page.getByText("2.1:1 on white (needs 4.5:1)")).toBeVisible();
  await page.getByRole("button", { name: "Save brand" }).click();
  await expect(page.getByText("2.1:1 against white; needs 4.5:1")).toBeVisible();
  await page.getByRole("textbox", { name: "Primary colour", exact: true }).fill("#0e7490");
  await page.getByRole("textbox", { name: "Accent colour", exact: true }).fill("#0284c7");
  await page.getByRole("button", { name: "Save brand" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();

  // A PNG logo, shown once uploaded.
  await page.getByLabel("Logo for light backgrounds").setInputFiles({
    name: "logo.png",
    mimeType: "image/png",
    buffer: solidPng(160, 48),
  });
  await expect(page.getByRole("status").filter({ hasText: "uploaded" })).toBeVisible();
  await expect(page.getByRole("img", { name: "Logo for light backgrounds in use" })).toBeVisible();

  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

  // A customer, branded from the customer list.
  await nav.getByRole("link", { name: "Customers" }).click();
  const customerSlug = uniqueSlug("cust");
  const customerName = `Customer ${customerSlug}`;
  await page.getByLabel("Customer name").fill(customerName);
  await page.getByLabel("URL name").fill(customerSlug);
  await page.getByRole("button", { name: "Add customer" }).click();
  await page.getByRole("link", { name: `Branding of ${customerName}` }).click();
  await page.waitForURL(`**/o/${customerSlug}/branding`);
  // Inherited from the MSP until the customer has its own.
  await expect(page.getByLabel("Product name")).toHaveAttribute("placeholder", "Skyline Networks");
  await page.getByLabel("Product name").fill("Customer Cloud");
  await page.getByRole("button", { name: "Save brand" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();

  // Its invitation mail, in words of its own, checked as the server checks them.
  await page.getByLabel("Mail", { exact: true }).selectOption("invitation");
  await page.getByLabel("Subject").fill("Join {{team}} on {{productName}}");
  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page.getByText("Unknown placeholder {{team}}")).toBeVisible();
  await page.getByLabel("Subject").fill("Join {{orgName}} on {{productName}}");
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("region", { name: "Mail preview" })).toContainText(
    `Join ${customerName} on Customer Cloud`,
  );
  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page.getByText("Template saved.")).toBeVisible();

  await page.reload();
  await expect(page.getByLabel("Product name")).toHaveValue("Customer Cloud");
  await page.goto(`/o/${slug}/branding`);
  await expect(page.getByLabel("Product name")).toHaveValue("Skyline Networks");
});
