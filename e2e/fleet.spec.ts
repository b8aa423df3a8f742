// The fleet journey: create a site → copy its install command → a real agent process
// (simulated data plane) installs and enrolls with it → the device shows online → a
// policy change made in the UI reaches it and shows applied.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { DEMO_PASSWORD, expect, ownerQuery, signIn, test } from "./fixtures";

const sh = promisify(execFile);
let agent: ChildProcess | undefined;
let box: string | undefined;

test.afterEach(async () => {
  if (agent?.pid) {
    try {
      process.kill(-agent.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  if (box) rmSync(box, { recursive: true, force: true });
});

test("a site's install command enrolls an agent that applies a policy made in the UI", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, "it@acme.demo.patronus.dev", DEMO_PASSWORD);
  await page.goto("/o/acme/sites");
  const siteName = `E2E edge ${Date.now().toString(36)}`;
  await page.getByLabel("Site name").fill(siteName);
  await page.getByLabel("WAN address").fill("203.0.113.7");
  await page.getByRole("button", { name: "Create site" }).click();
  await page.waitForURL(/\/o\/acme\/sites\/[a-z0-9]+$/);
  const siteUrl = page.url();

  await page.getByRole("button", { name: "Create install command" }).click();
  const command = await page.getByTestId("install-command").inputValue();
  expect(command).toMatch(
    /^curl -fsSL http:\/\/localhost:\d+\/install\.sh \| sudo sh -s -- --token ptk_/,
  );

  // The box: the command as an operator pastes it, in a temp "root" instead of /opt and
  // /etc, with the simulated data plane and no systemd (CI has neither a spare box nor systemd).
  box = mkdtempSync(path.join(tmpdir(), "patronus-box-"));
  const boxEnv = {
    ...process.env,
    PATRONUS_PREFIX: path.join(box, "opt"),
    PATRONUS_CONFIG: path.join(box, "etc/agent.json"),
    PATRONUS_STATE_DIR: path.join(box, "state"),
    PATRONUS_SIMULATE: "1",
    PATRONUS_NO_SYSTEMD: "1",
  };
  const install = await sh("sh", ["-c", command.replace("| sudo sh", "| sh")], { env: boxEnv });
  expect(install.stdout).toContain("start the agent with");
  agent = spawn(
    "node",
    [path.join(box, "opt/agent.mjs"), "run", "--config", path.join(box, "etc/agent.json")],
    { env: boxEnv, detached: true, stdio: "ignore" },
  );

  const row = page.getByTestId("device-row");
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute("data-online", "true", { timeout: 30_000 });
  await expect(row).toHaveAttribute("data-in-sync", "true");

  // A deny rule for this site, made in the policies page.
  await page.goto("/o/acme/policies");
  const status = page.getByTestId("fleet-status");
  const before = Number(await status.getAttribute("data-revision"));
  const form = page.getByRole("form", { name: "Add a rule" });
  await form.getByLabel("Applies to").selectOption({ label: siteName });
  await form.getByLabel("Priority").fill("5");
  await form.getByLabel("Action").selectOption("deny");
  await form.getByLabel("Source").fill("10.0.0.0/8");
  await form.getByLabel("Destination").fill("10.77.0.0/16");
  await form.getByLabel("Protocol").selectOption("tcp");
  await form.getByLabel("First port").fill("443");
  await form.getByLabel("Last port").fill("443");
  await form.getByRole("button", { name: "Add rule" }).click();
  await expect(page.locator('[data-testid="rule-row"][data-priority="5"]')).toBeVisible();
  await expect
    .poll(async () => Number(await status.getAttribute("data-revision")), { timeout: 10_000 })
    .toBeGreaterThan(before);
  const revision = Number(await status.getAttribute("data-revision"));

  const latest = page.getByTestId("latest-rollout");
  await expect(latest).toHaveAttribute("data-revision", String(revision), { timeout: 30_000 });
  await expect(latest).toHaveAttribute("data-status", "completed", { timeout: 30_000 });

  // The agent itself says it runs that revision.
  const agentStatus = await sh(
    "node",
    [
      path.join(box, "opt/agent.mjs"),
      "status",
      "--json",
      "--config",
      path.join(box, "etc/agent.json"),
    ],
    { env: boxEnv },
  );
  expect(JSON.parse(agentStatus.stdout)).toMatchObject({ revision });

  await page.goto(siteUrl);
  await expect(page.getByTestId("device-row")).toHaveAttribute("data-in-sync", "true");

  // What a misbehaving box leaves behind (test/fleet/faults/ causes each for real): a
  // quarantined message, a second box on its identity, a clock two days behind.
  const deviceId = await page.getByTestId("device-row").getAttribute("data-device-id");
  await ownerQuery(
    `INSERT INTO device_dead_letters (id, "orgId", "deviceId", channel, reason, error, digest, payload, size)
     SELECT 'dl_e2e_' || d.id, d."orgId", d.id, 'state', 'refused',
            'invalid message: revision: Too big: expected number to be <=2147483647', 'e2e',
            convert_to('{"v":1,"revision":1099511627776}', 'UTF8'), 34
     FROM devices d WHERE d.id = $1`,
    [deviceId],
  );
  await ownerQuery(
    `INSERT INTO device_alerts ("orgId", "deviceId", kind, detail, count)
     SELECT d."orgId", d.id, k.kind, k.detail::jsonb, 3 FROM devices d,
       (VALUES ('quarantined_messages', '{"channel":"state","reason":"refused","error":"revision too big"}'),
               ('cloned_identity', '{"addresses":["198.51.100.7","203.0.113.9"]}')) AS k(kind, detail)
     WHERE d.id = $1`,
    [deviceId],
  );
  await ownerQuery(
    `UPDATE devices SET "clockOffsetMs" = 172800000, "clockCheckedAt" = now() WHERE id = $1`,
    [deviceId],
  );
  await expect(page.getByTestId("device-alert-badge")).toHaveCount(2);
  await page.getByTestId("device-row").getByRole("link").click();
  await page.waitForURL(new RegExp(`/devices/${deviceId}$`));
  const alert = (kind: string) => page.locator(`[data-testid="device-alert"][data-kind="${kind}"]`);
  await expect(alert("cloned_identity")).toContainText("198.51.100.7 and 203.0.113.9");
  await expect(alert("quarantined_messages")).toContainText("3 messages quarantined");
  await expect(alert("clock_skew")).toContainText("Clock off by 2 days (behind)");
  await expect(page.getByTestId("dead-letter-row")).toContainText("1099511627776");
  await alert("cloned_identity").getByRole("button", { name: "Dismiss" }).click();
  await expect(alert("cloned_identity")).toHaveCount(0);
  await expect(alert("quarantined_messages")).toBeVisible();
});
