// Webhooks in the browser: an owner adds an endpoint pointing at a receiver on loopback
// (allowed by the stack's WEBHOOK_ALLOW_CIDRS), copies its secret, sends a test event,
// and sees the signed delivery succeed in the endpoint's log; then replays it.
import { startReceiver, verifies } from "../testkit/webhook-receiver";
import { expect, signUpAndVerify, test, uniqueEmail, uniqueSlug } from "./fixtures";

test("an owner adds a webhook endpoint, sends a test event and sees the delivery", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver();
  try {
    await signUpAndVerify(page, {
      name: "Wes Webhooks",
      email: uniqueEmail("webhooks"),
      password: "correct-horse-battery",
    });
    await page.goto("/orgs/new");
    await page.getByLabel("Organization name", { exact: true }).fill(`Hooks ${uniqueSlug("org")}`);
    const slug = await page.getByLabel("URL name", { exact: true }).inputValue();
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.waitForURL(`**/o/${slug}`);

    await page
      .getByRole("navigation", { name: "Organization" })
      .getByRole("link", { name: "Webhooks" })
      .click();
    await expect(page.getByRole("heading", { name: "Webhooks" })).toBeVisible();
    await page.getByLabel("URL").fill(receiver.url);
    await page.getByLabel("Description").fill("Journey receiver");
    await page.getByRole("checkbox", { name: /rollout\.halted/ }).check();
    await page.getByRole("button", { name: "Add endpoint" }).click();

    const secret = await page.getByTestId("webhook-secret-value").inputValue();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole("button", { name: "I have copied it" }).click();
    await expect(page.getByTestId("webhook-secret")).toHaveCount(0);

    const endpoint = page.getByTestId("webhook-endpoint").filter({ hasText: receiver.url });
    await endpoint.getByRole("button", { name: "Send test" }).click();
    await endpoint.getByRole("button", { name: "Deliveries" }).click();
    const delivered = endpoint.locator('[data-testid="webhook-delivery"][data-status="succeeded"]');
    await expect(delivered).toHaveCount(1, { timeout: 30_000 });
    await expect(delivered).toContainText("webhook.test");
    expect(receiver.received).toHaveLength(1);
    expect(verifies(receiver.received[0]!, secret)).toBe(true);

    await delivered.getByRole("button", { name: /Replay/ }).click();
    await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(2);
  } finally {
    await receiver.close();
  }
});
