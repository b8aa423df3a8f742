// The site-box path as an operator runs it: the install command the API shows for a token,
// piped from curl to sh. install.sh comes from the real route (URL filled in), the agent
// bundle is freshly built (scripts/build-agent.mjs), and enrollment goes to the real
// endpoint of the fleet stack. systemd is skipped (PATRONUS_NO_SYSTEMD=1); the unit it
// would write matches edge-agent/systemd/.
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSite, deviceInSync, devicesOf, type Site } from "../../testkit/factories/agent-site";
import { type FleetStack, startFleetStack } from "../../testkit/stack/fleet-stack";
import { AgentProcess, type CliResult } from "./lib/cli";
import { type PortalFront, startPortalFront } from "./lib/portal-front";

const execFileAsync = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..");
let dir: string;
let bundle: string;
let stack: FleetStack;
let portal: PortalFront;
let site: Site;
let agent: AgentProcess | null = null;

/** A shell command line, as typed on the box; bounded. */
function shell(line: string, env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn("sh", ["-c", line], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => p.kill("SIGKILL"), 60_000);
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Where install.sh puts things, all under this test's temp dir. */
const boxEnv = (name: string) => ({
  ...process.env,
  PATRONUS_PREFIX: join(dir, name, "opt"),
  PATRONUS_CONFIG: join(dir, name, "etc", "agent.json"),
  PATRONUS_STATE_DIR: join(dir, name, "state"),
  PATRONUS_SIMULATE: "1",
  PATRONUS_NO_SYSTEMD: "1",
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "patronus-install-"));
  bundle = join(dir, "build", "agent.mjs");
  await execFileAsync(process.execPath, [
    join(ROOT, "scripts", "build-agent.mjs"),
    "--outfile",
    bundle,
  ]);
  stack = await startFleetStack("mosquitto");
  portal = await startPortalFront({ enrollUrl: stack.portalUrl, agentBundle: bundle });
  site = await createSite();
});

afterAll(async () => {
  await agent?.stop();
  await portal?.close();
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("agent bundle and installer", () => {
  it("the bundle runs on plain Node with nothing else installed next to it", async () => {
    const { stdout } = await execFileAsync(process.execPath, [bundle, "--help"], { cwd: dir });
    expect(stdout).toMatch(/patronus-agent enroll --url <portal> --token <token>/);
  });

  it("the portal's install command downloads, enrolls; the installed agent runs and applies", async () => {
    const token = site.token.token;
    expect(site.token.command).toBe(
      `curl -fsSL ${portal.url}/install.sh | sudo sh -s -- --token ${token}`,
    );
    // The tests run as root already, and sudo need not exist here.
    const command = site.token.command.replace("| sudo sh", "| sh");
    const env = boxEnv("a");
    const r = await shell(command, env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const [device] = await devicesOf(site);
    expect(device).toMatchObject({ status: "active" });
    expect(r.stdout).toContain(`enrolled: device ${device!.id}`);
    expect(r.stdout).toContain(
      `${env.PATRONUS_PREFIX}/agent.mjs run --config ${env.PATRONUS_CONFIG}`,
    );
    expect((await stat(join(env.PATRONUS_PREFIX, "agent.mjs"))).isFile()).toBe(true);
    const config = JSON.parse(await readFile(env.PATRONUS_CONFIG, "utf8"));
    expect(config).toEqual({
      portalUrl: portal.url,
      stateDir: env.PATRONUS_STATE_DIR,
      simulate: true,
    });
    expect((await stat(join(env.PATRONUS_STATE_DIR, "key.pem"))).mode & 0o777).toBe(0o600);
    // The token reached the portal (install.sh hands it over in the environment, not argv).
    expect(portal.bodies.some((b) => b.includes(token))).toBe(true);

    // What the systemd unit starts: the installed bundle, over mTLS to the fleet's broker.
    // (Health endpoint off: the default port is the box's, not this test's.)
    await writeFile(env.PATRONUS_CONFIG, JSON.stringify({ ...config, health: { port: 0 } }));
    agent = AgentProcess.start(
      [join(env.PATRONUS_PREFIX, "agent.mjs"), "run", "--config", env.PATRONUS_CONFIG],
      {
        command: process.execPath,
      },
    );
    const row = await deviceInSync(site, device!.id);
    expect(row.reportedRevision).toBe(row.desiredRevision);
    expect(await agent.stop()).toBe(0);

    // Run again (an upgrade): keeps the identity, needs no token.
    const again = await shell(`curl -fsSL ${portal.url}/install.sh | sh`, env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already enrolled/);
    expect(await devicesOf(site)).toHaveLength(1);
  });

  it("passes the portal's refusal on (the one-use token is spent: exit 3)", async () => {
    const r = await shell(
      `curl -fsSL ${portal.url}/install.sh | sh -s -- --token ${site.token.token}`,
      boxEnv("b"),
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("This enrollment token has been used up");
  });

  it("refuses without a token and explains", async () => {
    const r = await shell(`curl -fsSL ${portal.url}/install.sh | sh`, boxEnv("c"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/enrollment token is required/);
  });

  it("writes the same systemd unit as edge-agent/systemd/patronus-agent.service", async () => {
    const r = await shell(`curl -fsSL ${portal.url}/install.sh | sh -s -- --print-unit`);
    expect(r.code).toBe(0);
    const unit = await readFile(
      join(ROOT, "edge-agent", "systemd", "patronus-agent.service"),
      "utf8",
    );
    const node = (await execFileAsync("sh", ["-c", "command -v node"])).stdout.trim();
    expect(r.stdout).toBe(unit.replace("/usr/bin/node", node));
  });
});
