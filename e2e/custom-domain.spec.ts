// A custom domain end to end: an MSP owner maps portal.msp-a.test, proves it with a TXT
// record on a real local DNS server, signs in there and sees only the MSP's tree; the
// embedded dashboard loads in a frame on an allowed site and is refused (CSP) on another.
// Chromium resolves every *.test name to loopback (--host-resolver-rules).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startDnsServer } from "../testkit/dns-server";
import {
  CUSTOM_HOSTS,
  expect,
  failedResource,
  signUpAndVerify,
  test,
  uniqueEmail,
  uniqueSlug,
} from "./fixtures";

test.use(CUSTOM_HOSTS);

/** Pages on other sites that frame `?src=`: http://<any>.test:<port>/frame.html. */
async function startFramingSite() {
  const server: Server = createServer((req, res) => {
    const src = new URL(req.url ?? "/", "http://x").searchParams.get("src") ?? "";
    const escaped = src.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      `<!doctype html><title>Partner site</title><iframe title="status" src="${escaped}"></iframe>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test("an MSP maps its own domain, its users sign in there, and its dashboard embeds", async ({
  page,
  browser,
  consoleGuard,
}) => {
  test.setTimeout(180_000);
  const port = process.env.E2E_PORT;
  const dns = await startDnsServer(Number(process.env.E2E_DNS_PORT));
  const site = await startFramingSite();
  try {
    const owner = {
      name: "Mia MSP",
      email: uniqueEmail("domain"),
      password: "correct-horse-battery",
    };
    await signUpAndVerify(page, owner);
    const createOrg = async (name: string, kind: "msp" | "standard") => {
      await page.goto("/orgs/new");
      await page.getByLabel("Organization name", { exact: true }).fill(name);
      await page.getByLabel("Type").selectOption(kind);
      const slug = await page.getByLabel("URL name", { exact: true }).inputValue();
      await page.getByRole("button", { name: "Create organization" }).click();
      await page.waitForURL(`**/o/${slug}`);
      return slug;
    };
    const msp = await createOrg(`MSP A ${uniqueSlug("m")}`, "msp");
    const elsewhere = await createOrg(`Elsewhere ${uniqueSlug("e")}`, "standard");

    // Map the domain and prove it.
    await page.goto(`/o/${msp}`);
    await page
      .getByRole("navigation", { name: "Organization" })
      .getByRole("link", { name: "Domains" })
      .click();
    await expect(page.getByRole("heading", { name: "Domains", exact: true })).toBeVisible();
    await page.getByLabel("Hostname").fill("portal.msp-a.test");
    await page.getByRole("button", { name: "Add domain" }).click();
    const row = page.getByTestId("domain-portal.msp-a.test");
    const value = await row.getByTestId("txt-value").inputValue();
    expect(value).toMatch(/^patronus-domain-verification=/);
    dns.setTxt("_patronus.portal.msp-a.test", [value]);
    await row.getByRole("button", { name: "Verify" }).click();
    await expect(row.getByText("verified", { exact: true })).toBeVisible();

    // An embed link, allowed on the partner site www.msp-a.test only.
    const allowed = `http://www.msp-a.test:${site.port}`;
    await page.getByLabel(/Sites allowed to frame it/).fill(allowed);
    await page.getByRole("button", { name: "Save origins" }).click();
    await expect(page.getByText("Origins saved.")).toBeVisible();
    await page.getByRole("button", { name: "Create embed link" }).click();
    const embedUrl = await page.getByTestId("embed-url").inputValue();
    expect(embedUrl).toContain("/embed/");

    // Sign in on the custom domain, in a fresh browser context: only the MSP's tree.
    const custom = `http://portal.msp-a.test:${port}`;
    // Chromium ignores COOP on plain http outside localhost and says so; production serves
    // custom domains over https (TLS at the load balancer).
    consoleGuard.allow(/Cross-Origin-Opener-Policy header has been ignored/);
    const context = await browser.newContext();
    consoleGuard.watch(context);
    const there = await context.newPage();
    await there.goto(`${custom}/sign-in`);
    await there.getByLabel("Email").fill(owner.email);
    await there.getByLabel("Password").fill(owner.password);
    await there.getByRole("button", { name: "Sign in" }).click();
    await there.waitForURL(`${custom}/orgs`);
    await expect(there.getByRole("link", { name: /MSP A/ })).toBeVisible();
    await expect(there.getByRole("link", { name: /Elsewhere/ })).toHaveCount(0);
    consoleGuard.allow(failedResource(404));
    await there.goto(`${custom}/o/${elsewhere}`);
    await expect(there.getByRole("heading", { name: "Not found" })).toBeVisible();
    await context.close();

    // The dashboard in a frame: shown on the allowed site, refused by CSP on another.
    await page.goto(`${allowed}/frame.html?src=${encodeURIComponent(embedUrl)}`);
    await expect(page.frameLocator("iframe").getByTestId("embed-tiles")).toBeVisible();
    consoleGuard.allow(/frame-ancestors/);
    const refused = page.waitForEvent("console", (m) => /frame-ancestors/.test(m.text()));
    await page.goto(
      `http://www.elsewhere.test:${site.port}/frame.html?src=${encodeURIComponent(embedUrl)}`,
    );
    await refused;
    await expect(page.frameLocator("iframe").getByTestId("embed-tiles")).toHaveCount(0);
  } finally {
    await site.close();
    await dns.close();
  }
});
