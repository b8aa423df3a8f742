// Billing in the browser, against the local Stripe stand-in run by global setup (its hosted
// Checkout and portal pages, its signed webhooks to the real /api/webhooks/stripe): a new
// org on Free hits its site limit, subscribes through Checkout, grows past Free, opens the
// customer portal, and then a declined renewal shows the past-due state and its banner.
import { expect, failedResource, signUpAndVerify, test, uniqueEmail, uniqueSlug } from "./fixtures";

type Page = import("@playwright/test").Page;

const stubUrl = () => {
  const url = process.env.STRIPE_API_URL;
  if (!url) throw new Error("STRIPE_API_URL is not set: global setup starts the Stripe stub");
  return url;
};

async function stub(path: string, body?: unknown) {
  const res = await fetch(`${stubUrl()}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`stub ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The stub's customer for the org (named after it) and that customer's subscription. */
async function stripeIdsOf(orgName: string) {
  const state = (await stub("/_stub/state")) as {
    customers: { id: string; name: string | null }[];
    subscriptions: { id: string; customer: string }[];
  };
  const customer = state.customers.find((c) => c.name === orgName);
  const subscription = state.subscriptions.find((s) => s.customer === customer?.id);
  if (!customer || !subscription) throw new Error(`no Stripe subscription for ${orgName}`);
  return { customerId: customer.id, subscriptionId: subscription.id };
}

async function createSite(page: Page, slug: string, name: string) {
  await page.goto(`/o/${slug}/sites`);
  await page.getByLabel("Site name").fill(name);
  await page.getByRole("button", { name: "Create site" }).click();
}

test("an owner subscribes through Checkout, grows past Free, manages billing and sees a failed payment", async ({
  page,
  consoleGuard,
}) => {
  test.setTimeout(180_000);
  // The fourth site on Free is the server's 402, which the browser logs.
  consoleGuard.allow(failedResource(402));
  await signUpAndVerify(page, {
    name: "Bea Billing",
    email: uniqueEmail("billing"),
    password: "correct-horse-battery",
  });
  const orgName = `Billing ${uniqueSlug("org")}`;
  await page.goto("/orgs/new");
  await page.getByLabel("Organization name", { exact: true }).fill(orgName);
  const slug = await page.getByLabel("URL name", { exact: true }).inputValue();
  await page.getByRole("button", { name: "Create organization" }).click();
  await page.waitForURL(`**/o/${slug}`);

  // A new org is on Free: 0 of 3 sites.
  await page
    .getByRole("navigation", { name: "Organization" })
    .getByRole("link", { name: "Billing" })
    .click();
  await page.waitForURL(`**/o/${slug}/billing`);
  await expect(page.getByRole("heading", { name: "Billing", level: 1 })).toBeVisible();
  await expect(page.getByTestId("plan-name")).toContainText("Free");
  await expect(page.getByTestId("limit-sites")).toContainText("0 / 3");

  // Three sites fit; the fourth is refused with a link to billing.
  for (const name of ["North", "South", "East"]) {
    await createSite(page, slug, name);
    await page.waitForURL(/\/sites\/[^/]+$/);
  }
  await createSite(page, slug, "West");
  const refusal = page.getByRole("alert").filter({ hasText: "Free plan allows 3 sites" });
  await expect(refusal).toBeVisible();
  await refusal.getByRole("link", { name: "the billing page" }).click();
  await page.waitForURL(`**/o/${slug}/billing`);
  await expect(page.getByTestId("limit-sites")).toContainText("3 / 3");

  // Upgrade: the stand-in's Checkout page, pay, and back to a Standard trial.
  await page.getByRole("button", { name: /Upgrade to Standard/ }).click();
  await page.waitForURL((url) => url.href.startsWith(`${stubUrl()}/checkout/`));
  await page.getByRole("button", { name: "Pay and subscribe" }).click();
  await page.waitForURL(`**/o/${slug}/billing?checkout=success**`);
  await expect(page.getByTestId("plan-name")).toContainText("Standard", { timeout: 30_000 });
  await expect(page.getByTestId("billing-status")).toHaveAttribute("data-status", "trialing");
  await expect(page.getByText(/now on Standard/)).toBeVisible();

  // Now the fourth and fifth sites are allowed.
  for (const name of ["West", "Central"]) {
    await createSite(page, slug, name);
    await page.waitForURL(/\/sites\/[^/]+$/);
  }
  await page.goto(`/o/${slug}/billing`);
  await expect(page.getByTestId("limit-sites")).toContainText("5 / 500");

  // Manage billing: the stand-in's customer portal, and back.
  await page.getByRole("button", { name: "Manage billing" }).click();
  await page.waitForURL((url) => url.href.startsWith(`${stubUrl()}/portal/`));
  await page.getByRole("link", { name: "Return" }).click();
  await page.waitForURL(`**/o/${slug}/billing`);

  // The card declines at renewal: the webhooks make the org past due, with a banner.
  const { customerId, subscriptionId } = await stripeIdsOf(orgName);
  await stub(`/_stub/customers/${customerId}/fail-payments`, { on: true });
  await stub(`/_stub/subscriptions/${subscriptionId}/renew`, {});
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("billing-status")).toHaveAttribute("data-status", "past due", {
      timeout: 1_000,
    });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByTestId("grace-banner")).toBeVisible();
  await expect(page.getByTestId("invoice-row").first()).toBeVisible();

  // It all came through the real webhook endpoint: every event of this customer answered 200.
  const events = (await stub("/_stub/events")) as {
    id: string;
    type: string;
    data: { object: { customer?: string; id?: string } };
  }[];
  const mine = events.filter(
    (e) => e.data.object.customer === customerId || e.data.object.id === customerId,
  );
  expect(mine.map((e) => e.type)).toEqual(
    expect.arrayContaining(["checkout.session.completed", "invoice.payment_failed"]),
  );
  await expect(async () => {
    const { deliveries } = (await stub("/_stub/state")) as {
      deliveries: Record<string, { status: number }>;
    };
    expect(mine.map((e) => deliveries[e.id]?.status)).toEqual(mine.map(() => 200));
  }).toPass({ timeout: 15_000 });
});
