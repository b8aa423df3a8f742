// The overlay in the portal: a new org's owner gives two sites WAN links and roles, defines
// an SLA class, an application class, a user group and a steering policy, shapes the
// overlay, and sees the topology (map and tables) and a site's paths. No agents run here,
// so health is whatever the server says (no data yet): nothing asserts on live numbers.
import {
  DEMO_PASSWORD,
  expect,
  failedResource,
  signIn,
  signUpAndVerify,
  test,
  uniqueEmail,
  uniqueSlug,
} from "./fixtures";

type Page = import("@playwright/test").Page;

async function createSite(page: Page, slug: string, name: string) {
  await page.goto(`/o/${slug}/sites`);
  await page.getByLabel("Site name").fill(name);
  await page.getByRole("button", { name: "Create site" }).click();
  await page.waitForURL(/\/sites\/[^/]+$/);
  return new URL(page.url()).pathname;
}

async function addLink(
  page: Page,
  link: { name: string; kind: string; ifname: string; publicAddress?: string },
) {
  const form = page.getByRole("form", { name: "Add a WAN link" });
  await form.getByLabel("Link name").fill(link.name);
  await form.getByLabel("Kind").selectOption(link.kind);
  await form.getByLabel("Interface").fill(link.ifname);
  await form.getByLabel("Public address").fill(link.publicAddress ?? "");
  await form.getByRole("button", { name: "Add link" }).click();
  await expect(
    page.getByTestId("wan-link-row").filter({ has: page.getByRole("cell", { name: link.name }) }),
  ).toBeVisible();
}

test("an owner sets up links, classes, groups and a steering policy, and sees the topology", async ({
  page,
  consoleGuard,
}) => {
  test.setTimeout(120_000);
  // The refusals below are the server's 400s, logged by the browser.
  consoleGuard.allow(failedResource(400));
  await signUpAndVerify(page, {
    name: "Olga Overlay",
    email: uniqueEmail("overlay"),
    password: "correct-horse-battery",
  });
  await page.goto("/orgs/new");
  await page.getByLabel("Organization name", { exact: true }).fill(`Overlay ${uniqueSlug("org")}`);
  const slug = await page.getByLabel("URL name", { exact: true }).inputValue();
  await page.getByRole("button", { name: "Create organization" }).click();
  await page.waitForURL(`**/o/${slug}`);

  // Two sites: a hub with two links, a branch with one.
  const hubPath = await createSite(page, slug, "Hub East");
  await addLink(page, {
    name: "fiber",
    kind: "fiber",
    ifname: "eth0",
    publicAddress: "203.0.113.10",
  });
  await addLink(page, { name: "lte", kind: "lte", ifname: "wwan0" });
  await expect(page.getByTestId("wan-link-row")).toHaveCount(2);

  // A bad address is the server's to refuse, next to the field.
  const addForm = page.getByRole("form", { name: "Add a WAN link" });
  await addForm.getByLabel("Link name").fill("broken");
  await addForm.getByLabel("Interface").fill("eth9");
  await addForm.getByLabel("Public address").fill("300.1.1.1");
  await addForm.getByRole("button", { name: "Add link" }).click();
  await expect(addForm.getByLabel("Public address")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("wan-link-row")).toHaveCount(2);

  // Edit a link in its dialog.
  await page.getByRole("button", { name: "Edit link lte" }).click();
  const edit = page.getByRole("form", { name: "Edit link lte" });
  await edit.getByLabel("Cost").fill("50");
  await edit.getByRole("button", { name: "Save link" }).click();
  await expect(edit).toBeHidden();
  await expect(
    page.getByTestId("wan-link-row").filter({ has: page.getByRole("cell", { name: "lte" }) }),
  ).toContainText("50");

  const role = page.getByRole("form", { name: "Overlay role and prefixes" });
  await role.getByLabel("Role").selectOption("hub");
  await role.getByLabel("LAN prefixes").fill("10.1.0.0/16");
  await role.getByRole("button", { name: "Save overlay settings" }).click();
  await expect(role.getByText("Saved.")).toBeVisible();

  await createSite(page, slug, "Branch West");
  await addLink(page, {
    name: "broadband",
    kind: "broadband",
    ifname: "eth0",
    publicAddress: "198.51.100.20",
  });

  // The topology: one site pair, drawn and tabled; its paths open from the table.
  await page.goto(`/o/${slug}/topology`);
  await expect(page.getByTestId("topology-graph")).toBeVisible();
  await expect(page.getByTestId("topology-node")).toHaveCount(2);
  const pair = page.getByTestId("topology-edge-row");
  await expect(pair).toHaveCount(1);
  await expect(pair).toHaveAttribute("data-health", /^(up|degraded|down|unknown)$/);
  await expect(pair).toContainText("Hub East");
  await expect(pair).toContainText("Branch West");
  await pair.getByRole("button", { name: "Paths between" }).click();
  await expect(page.getByTestId("topology-path-row")).toHaveCount(2);
  await expect(page.getByTestId("topology-site-row")).toHaveCount(2);

  // The hub's paths page: both paths listed, a chart area, the timeline.
  await page.goto(`${hubPath}/paths`);
  await expect(page.getByTestId("path-row")).toHaveCount(2);
  await expect(page.getByTestId("path-row").first()).toHaveAttribute("data-path-id", /~/);
  await expect(page.getByTestId("path-chart")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Incident timeline" })).toBeVisible();
  await expect(
    page.getByRole("heading", { name: "Where each application goes now" }),
  ).toBeVisible();

  // Steering: an SLA class (after a refusal shown on the field).
  await page.goto(`/o/${slug}/steering`);
  const sla = page.getByRole("form", { name: "Add an SLA class" });
  await sla.getByRole("button", { name: "Add SLA class" }).click();
  await expect(sla.getByLabel("SLA name")).toHaveAttribute("aria-invalid", "true");
  await sla.getByLabel("SLA name").fill("voice");
  await sla.getByLabel("Max latency (ms)").fill("150");
  await sla.getByLabel("Max jitter (ms)").fill("30");
  await sla.getByLabel("Max loss (%)").fill("1");
  await sla.getByRole("button", { name: "Add SLA class" }).click();
  await expect(page.locator('[data-testid="sla-row"][data-name="voice"]')).toBeVisible();

  // An application class with a port range; a reversed range is refused on its row.
  const app = page.getByRole("form", { name: "Add an application class" });
  await app.getByLabel("Class name").fill("Voice");
  await app.getByLabel("Kind").selectOption("voice");
  await app.getByLabel("DSCP").fill("46");
  await app.getByLabel("SLA class").selectOption({ label: "voice" });
  await app.getByRole("button", { name: "Add a match" }).click();
  await app.getByLabel("Match 1: protocol").selectOption("udp");
  await app.getByLabel("Match 1: first port").fill("11000");
  await app.getByLabel("Match 1: last port").fill("10000");
  await app.getByRole("button", { name: "Add class" }).click();
  await expect(app.getByLabel("Match 1: first port")).toHaveAttribute("aria-invalid", "true");
  await app.getByLabel("Match 1: first port").fill("10000");
  await app.getByLabel("Match 1: last port").fill("11000");
  await app.getByRole("button", { name: "Add class" }).click();
  const appRow = page.locator('[data-testid="app-class-row"][data-name="Voice"]');
  await expect(appRow).toBeVisible();
  await expect(appRow).toContainText("udp 10000–11000");

  const group = page.getByRole("form", { name: "Add a user group" });
  await group.getByLabel("Group name").fill("Call center");
  await group.getByLabel("Source prefixes").fill("10.1.20.0/24\n10.1.21.0/24");
  await group.getByRole("button", { name: "Add group" }).click();
  await expect(
    page.locator('[data-testid="user-group-row"][data-name="Call center"]'),
  ).toBeVisible();

  // A policy: voice of the call center prefers the hub's fiber, and holds on violation.
  const policy = page.getByRole("form", { name: "Add a steering policy" });
  await policy.getByLabel("Policy name").fill("Voice via fiber");
  await policy.getByLabel("Priority").fill("10");
  await policy.getByLabel("Application class").selectOption({ label: "Voice" });
  await policy.getByLabel("User group").selectOption({ label: "Call center" });
  await policy.getByLabel("SLA class").selectOption({ label: "voice" });
  await policy.getByLabel("When no path meets the SLA").selectOption("hold");
  await policy.getByRole("button", { name: "Add a preferred path" }).click();
  await policy.getByLabel("Preference 1: to site").selectOption({ label: "Hub East" });
  await policy.getByLabel("Preference 1: to remote link").selectOption({ label: "remote fiber" });
  await policy.getByRole("button", { name: "Add policy" }).click();
  const policyRow = page.locator(
    '[data-testid="steering-policy-row"][data-name="Voice via fiber"]',
  );
  await expect(policyRow).toBeVisible();
  await expect(policyRow).toHaveAttribute("data-priority", "10");
  await expect(policyRow).toContainText("Hub East");
  await expect(policyRow).toContainText("hold");

  // The overlay's shape: a partial mesh of the one pair.
  const settings = page.getByRole("form", { name: "Overlay settings" });
  await settings.getByLabel("Topology").selectOption("partial_mesh");
  await settings.getByRole("button", { name: "Add a pair" }).click();
  await settings.getByLabel("Pair 1: first site").selectOption({ label: "Hub East" });
  await settings.getByLabel("Pair 1: second site").selectOption({ label: "Branch West" });
  await settings.getByLabel("Hold-down (s)").fill("20");
  await settings.getByRole("button", { name: "Save overlay settings" }).click();
  await expect(settings.getByText(/Saved: revision \d+ is rolling out/)).toBeVisible();

  // Everything is still there after a reload (it came from the server, not the form).
  await page.reload();
  await expect(page.getByTestId("sla-row")).toHaveCount(1);
  await expect(page.getByTestId("app-class-row")).toHaveCount(1);
  await expect(page.getByTestId("user-group-row")).toHaveCount(1);
  await expect(page.getByTestId("steering-policy-row")).toHaveCount(1);
  await expect(
    page.getByRole("form", { name: "Overlay settings" }).getByLabel("Topology"),
  ).toHaveValue("partial_mesh");
  await expect(page.getByLabel("Hold-down (s)")).toHaveValue("20");

  // The pair still has tunnels in the partial mesh.
  await page.goto(`/o/${slug}/topology`);
  await expect(page.getByTestId("topology-edge-row")).toHaveCount(1);
});

test("a viewer sees steering and topology without the forms", async ({ page }) => {
  await signIn(page, "viewer@acme.demo.patronus.dev", DEMO_PASSWORD);
  await page.goto("/o/acme/steering");
  await expect(page.getByRole("heading", { name: "Steering", exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "SLA classes" })).toBeVisible();
  await expect(page.getByRole("form", { name: "Add an SLA class" })).toHaveCount(0);
  await expect(page.getByRole("form", { name: "Add a steering policy" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Save overlay settings" })).toHaveCount(0);
  await page.goto("/o/acme/topology");
  await expect(page.getByTestId("topology-graph")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Site pairs", exact: true })).toBeVisible();
  await expect(page.getByTestId("topology-edge-row").first()).toBeVisible();
});
