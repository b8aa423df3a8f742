// White-label end to end: an MSP brands itself and a customer, maps a custom domain to the
// customer (proved by a TXT record on a real local DNS server), and the customer's new user
// signs up, verifies and accepts an invitation on that domain, seeing the customer's brand
// throughout; the mails carry the brand and link back to the domain. The branded sign-in
// page is compared with stored screenshots, light and dark. Chromium resolves *.test to loopback.
import { startDnsServer } from "../testkit/dns-server";
import { solidPng } from "../testkit/png";
import {
  CUSTOM_HOSTS,
  expect,
  failedResource,
  fillSignUp,
  ownerQuery,
  signUpAndVerify,
  test,
  uniqueEmail,
  uniqueSlug,
} from "./fixtures";

test.use(CUSTOM_HOSTS);

const PASSWORD = "correct-horse-battery";

/** The newest mail of `kind` to `to`, as the outbox holds it. */
async function newestMail(to: string, kind: string) {
  let mail: { subject: string; text: string; fromName: string | null } | undefined;
  await expect(async () => {
    const { rows } = await ownerQuery(
      `SELECT subject, text, "fromName" FROM mail_outbox WHERE "to" = $1 AND kind = $2
       ORDER BY "createdAt" DESC LIMIT 1`,
      [to, kind],
    );
    mail = rows[0];
    expect(mail, `a ${kind} mail to ${to}`).toBeTruthy();
  }).toPass({ timeout: 15_000 });
  return mail!;
}

test("an MSP brands a customer, maps its domain, and the customer's user lives under that brand", async ({
  page,
  browser,
  consoleGuard,
}) => {
  test.setTimeout(240_000);
  const dns = await startDnsServer(Number(process.env.E2E_DNS_PORT));
  try {
    await signUpAndVerify(page, {
      name: "Sam Skyline",
      email: uniqueEmail("wl-owner"),
      password: PASSWORD,
    });
    await page.goto("/orgs/new");
    await page.getByLabel("Organization name", { exact: true }).fill(`Skyline ${uniqueSlug("m")}`);
    await page.getByLabel("Type").selectOption("msp");
    const msp = await page.getByLabel("URL name", { exact: true }).inputValue();
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.waitForURL(`**/o/${msp}`);

    // The MSP's own brand: name, colours, logo.
    await page.goto(`/o/${msp}/branding`);
    await page.getByLabel("Product name").fill("Skyline Networks");
    await page.getByRole("textbox", { name: "Primary colour", exact: true }).fill("#0e7490");
    await page.getByRole("textbox", { name: "Accent colour", exact: true }).fill("#0284c7");
    await page.getByRole("button", { name: "Save brand" }).click();
    await expect(page.getByText("Saved.")).toBeVisible();
    await page.getByLabel("Logo for light backgrounds").setInputFiles({
      name: "logo.png",
      mimeType: "image/png",
      buffer: solidPng(160, 48),
    });
    await expect(page.getByRole("status").filter({ hasText: "uploaded" })).toBeVisible();
    // The MSP's pages wear it at once: logo in the top bar, teal links and buttons.
    await page.reload();
    await expect(
      page.getByTestId("brand-name").getByRole("img", { name: "Skyline Networks" }),
    ).toBeVisible();

    // A customer with a name and sign-in text of its own; the rest comes from the MSP.
    await page.goto(`/o/${msp}/customers`);
    const customer = uniqueSlug("harbor");
    await page.getByLabel("Customer name").fill(`Harbor ${customer}`);
    await page.getByLabel("URL name").fill(customer);
    await page.getByRole("button", { name: "Add customer" }).click();
    await page.getByRole("link", { name: `Branding of Harbor ${customer}` }).click();
    await page.waitForURL(`**/o/${customer}/branding`);
    await page.getByLabel("Product name").fill("Harbor Cloud");
    await page.getByLabel("Sign-in page text").fill("Welcome to Harbor Cloud, run by Skyline.");
    await page.getByLabel("Email sender name").fill("Harbor Cloud");
    await page.getByRole("button", { name: "Save brand" }).click();
    await expect(page.getByText("Saved.")).toBeVisible();

    // The customer's domain, proved with its TXT record.
    const hostname = `portal.${customer}.test`;
    await page.goto(`/o/${customer}/domains`);
    await page.getByLabel("Hostname").fill(hostname);
    await page.getByRole("button", { name: "Add domain" }).click();
    const row = page.getByTestId(`domain-${hostname}`);
    dns.setTxt(`_patronus.${hostname}`, [await row.getByTestId("txt-value").inputValue()]);
    await row.getByRole("button", { name: "Verify" }).click();
    await expect(row.getByText("verified", { exact: true })).toBeVisible();

    // An invitation in the customer's words and name.
    const userEmail = uniqueEmail("wl-user");
    await page.goto(`/o/${customer}/members`);
    await page.getByLabel("Email", { exact: true }).fill(userEmail);
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.getByText(`Invitation sent to ${userEmail}.`)).toBeVisible();
    const invitation = await newestMail(userEmail, "invitation");
    expect(invitation.fromName).toBe("Harbor Cloud");
    expect(`${invitation.subject}\n${invitation.text}`).toContain("Harbor Cloud");
    expect(`${invitation.subject}\n${invitation.text}`).not.toContain("Patronus");
    const invitePath = new URL(/https?:\/\/\S+/.exec(invitation.text)![0]).pathname;

    // The user, in a browser of their own, only ever on the customer's domain.
    const custom = `http://${hostname}:${process.env.E2E_PORT}`;
    const context = await browser.newContext();
    consoleGuard.watch(context);
    consoleGuard.allow(failedResource(404));
    // Chromium's note that COOP is ignored on a plain-http host (the test's custom domain).
    consoleGuard.allow(/Cross-Origin-Opener-Policy header has been ignored/);
    const user = await context.newPage();
    await user.goto(`${custom}/sign-in`);
    await expect(user.getByTestId("sign-in-text")).toHaveText(
      "Welcome to Harbor Cloud, run by Skyline.",
    );
    await expect(user.getByRole("img", { name: "Harbor Cloud" }).first()).toBeVisible();
    await expect(user).toHaveTitle(/Harbor Cloud/);
    // The free plan keeps the credit line; nothing else names Patronus.
    await expect(user.getByTestId("powered-by")).toHaveText("Powered by Patronus");
    await expect(user.getByText("Patronus")).toHaveCount(1);
    await expect(user.getByRole("button", { name: "Sign in" })).toHaveCSS(
      "background-color",
      /rgb\(/,
    );
    await expect(user).toHaveScreenshot("branded-sign-in.png", {
      fullPage: true,
      animations: "disabled",
      maxDiffPixelRatio: 0.01,
    });
    // The same page in the dark theme: the brand's dark palette (derived from its colours).
    await context.addCookies([{ name: "theme", value: "dark", url: custom }]);
    await user.reload();
    await expect(user.locator("html")).toHaveAttribute("data-theme", "dark");
    await expect(user).toHaveScreenshot("branded-sign-in-dark.png", {
      fullPage: true,
      animations: "disabled",
      maxDiffPixelRatio: 0.01,
    });
    await context.clearCookies({ name: "theme" });

    await user.goto(`${custom}${invitePath}`);
    await user.getByRole("link", { name: "Create account" }).click();
    await fillSignUp(user, { name: "Hana Harbor", email: userEmail, password: PASSWORD });
    await expect(user.getByRole("heading", { name: "Check your email" })).toBeVisible();
    const verify = await newestMail(userEmail, "verify-email");
    expect(verify.fromName).toBe("Harbor Cloud");
    expect(verify.subject).toContain("Harbor Cloud");
    const link = /https?:\/\/\S+/.exec(verify.text)![0];
    expect(new URL(link).host).toBe(new URL(custom).host);
    await user.goto(link);
    await user.waitForURL((url) => url.pathname === invitePath);
    await user.getByRole("button", { name: "Accept invitation" }).click();
    await user.waitForURL(`${custom}/o/${customer}`);
    await expect(
      user.getByTestId("brand-name").getByRole("img", { name: "Harbor Cloud" }),
    ).toBeVisible();
    await expect(user).toHaveTitle(/Harbor Cloud/);
    await context.close();
  } finally {
    await dns.close();
  }
});
