// Alerting in the browser: an owner adds a webhook notification channel pointing at a
// receiver on loopback (allowed by the stack's WEBHOOK_ALLOW_CIDRS) and keeps its secret; a
// device of theirs is offline, so the evaluator (its sweep: ALERT_EVALUATE_EVERY_MS in
// global-setup) opens an incident; the owner finds it in the list, opens it, acknowledges
// it, and the receiver gets both changes signed with the channel's secret. Another org's
// incident is the 404 page.
import { startReceiver, verifies } from "../testkit/webhook-receiver";
import { insertIncident, insertOfflineDevice } from "./demo-objects";
import {
  expect,
  failedResource,
  ownerQuery,
  signUpAndVerify,
  test,
  uniqueEmail,
  uniqueSlug,
} from "./fixtures";

test("an owner is notified of an incident, acknowledges it, and the channel hears both", async ({
  page,
  consoleGuard,
}) => {
  test.setTimeout(180_000);
  const receiver = await startReceiver();
  try {
    await signUpAndVerify(page, {
      name: "Alma Alerts",
      email: uniqueEmail("alerting"),
      password: "correct-horse-battery",
    });
    await page.goto("/orgs/new");
    await page.getByLabel("Organization name", { exact: true }).fill(`Alerts ${uniqueSlug("org")}`);
    const slug = await page.getByLabel("URL name", { exact: true }).inputValue();
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.waitForURL(`**/o/${slug}`);

    // A webhook channel; its signing secret is shown once.
    await page
      .getByRole("navigation", { name: "Organization" })
      .getByRole("link", { name: "Alerting" })
      .click();
    await expect(page.getByRole("heading", { name: "Alerting", level: 1 })).toBeVisible();
    await expect(page.getByTestId("alert-rule").first()).toBeVisible();
    const form = page.getByRole("form", { name: "Add a notification channel" });
    await form.getByLabel("Channel name").fill("On-call receiver");
    await form.getByLabel("Kind").selectOption("webhook");
    await form.getByLabel("URL").fill(receiver.url);
    await form.getByRole("button", { name: "Add channel" }).click();
    const secret = await page.getByTestId("webhook-secret-value").inputValue();
    expect(secret).toMatch(/^\S{16,}$/);
    await page.getByRole("button", { name: "I have copied it" }).click();
    const channel = page.locator('[data-testid="alert-channel"][data-name="On-call receiver"]');
    await expect(channel).toContainText("127.0.0.1");

    // A site with a device that was last seen an hour ago.
    await page.goto(`/o/${slug}/sites`);
    await page.getByLabel("Site name").fill("Harbour office");
    await page.getByRole("button", { name: "Create site" }).click();
    await page.waitForURL(/\/sites\/[^/]+$/);
    const siteId = new URL(page.url()).pathname.split("/").at(-1) as string;
    await insertOfflineDevice(siteId, "harbour-gw");

    // The evaluator opens an incident; the live list shows it.
    await page
      .getByRole("navigation", { name: "Organization" })
      .getByRole("link", { name: "Incidents" })
      .click();
    await expect(page.getByRole("heading", { name: "Incidents", level: 1 })).toBeVisible();
    const row = page.getByTestId("incident-row").filter({ hasText: "harbour-gw offline" });
    await expect(row).toHaveAttribute("data-status", "open", { timeout: 60_000 });
    await expect(row).toContainText("Harbour office");
    await expect(row).toContainText("major");
    await row.getByRole("link", { name: /harbour-gw offline/ }).click();

    // Its page: the cause, the condition, the timeline; then acknowledged.
    await page.waitForURL(/\/incidents\/[^/]+$/);
    const incidentId = new URL(page.url()).pathname.split("/").at(-1) as string;
    await expect(page.getByTestId("incident-root-cause")).toContainText("harbour-gw");
    await expect(
      page.locator('[data-testid="incident-condition"][data-state="active"]'),
    ).toContainText("device_offline");
    await expect(page.locator('[data-testid="incident-event"][data-kind="opened"]')).toHaveCount(1);
    await page.getByRole("button", { name: "Acknowledge" }).click();
    await expect(page.getByTestId("incident-header")).toHaveAttribute(
      "data-status",
      "acknowledged",
    );
    await expect(page.getByRole("button", { name: "Acknowledge" })).toHaveCount(0);
    await expect(
      page.locator('[data-testid="incident-notification"][data-event="acknowledged"]'),
    ).toHaveAttribute("data-status", "sent", { timeout: 30_000 });

    // The receiver heard both changes of this incident, each signed with the channel's secret.
    const ofIncident = () =>
      receiver.received.filter(
        (r) =>
          (JSON.parse(r.body) as { data?: { incidentId?: string } }).data?.incidentId ===
          incidentId,
      );
    await expect
      .poll(
        () =>
          ofIncident()
            .map((r) => (JSON.parse(r.body) as { type: string }).type)
            .sort(),
        {
          timeout: 30_000,
        },
      )
      .toEqual(["incident.acknowledged", "incident.opened"]);
    for (const r of ofIncident()) expect(verifies(r, secret)).toBe(true);

    // The channel's delivery log shows them too.
    await page.goto(`/o/${slug}/alerts`);
    await channel.getByRole("button", { name: /delivery log/ }).click();
    await expect(
      channel.locator('[data-testid="channel-notification"][data-event="acknowledged"]'),
    ).toHaveAttribute("data-status", "sent");

    // Another org's incident is not found, like the API answers.
    consoleGuard.allow(failedResource(404));
    const foreign = await page.goto(
      `/o/${slug}/incidents/${await insertIncident(await acmeSite())}`,
    );
    expect(foreign?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  } finally {
    await receiver.close();
  }
});

/** A seeded site of acme (prisma/seed.ts makes three). */
async function acmeSite() {
  const { rows } = await ownerQuery(
    `SELECT s.id FROM sites s JOIN organizations o ON o.id = s."orgId" WHERE o.slug = 'acme' LIMIT 1`,
  );
  return rows[0].id as string;
}
