// The site-box path: the esbuild bundle runs on plain Node, and install.sh (as the portal
// serves it) downloads it, enrolls and leaves a config; systemd is skipped here
// (PATRONUS_NO_SYSTEMD=1), and the unit it would write matches edge-agent/systemd/.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StubPortal, startStubPortal } from "./lib/portal";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..");
let dir: string;
let bundle: string;
let portal: StubPortal;
let installer: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "patronus-install-"));
  bundle = join(dir, "build", "agent.mjs");
  await run(process.execPath, [join(ROOT, "scripts", "build-agent.mjs"), "--outfile", bundle]);
  portal = await startStubPortal({ agentBundle: bundle });
  const tmpl = await readFile(join(ROOT, "edge-agent", "install.sh.tmpl"), "utf8");
  installer = join(dir, "install.sh");
  await writeFile(installer, tmpl.replaceAll("__PORTAL_URL__", portal.url));
});

afterAll(async () => {
  await portal?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("agent bundle and installer", () => {
  it("the bundle runs on plain Node with nothing else installed next to it", async () => {
    const { stdout } = await run(process.execPath, [bundle, "--help"], { cwd: dir });
    expect(stdout).toMatch(/patronus-agent enroll --url <portal> --token <token>/);
  });

  it("install.sh downloads the agent, enrolls (simulated) and writes the config", async () => {
    const env = {
      ...process.env,
      PATRONUS_PREFIX: join(dir, "opt"),
      PATRONUS_CONFIG: join(dir, "etc", "agent.json"),
      PATRONUS_STATE_DIR: join(dir, "state"),
      PATRONUS_SIMULATE: "1",
      PATRONUS_NO_SYSTEMD: "1",
    };
    const { stdout } = await run("sh", [installer, "--token", "tok-1234567890"], { env, cwd: dir });
    expect(stdout).toMatch(/enrolled: device dev\d{8}/);
    expect(stdout).toMatch(/agent\.mjs run --config/);
    expect((await stat(join(dir, "opt", "agent.mjs"))).isFile()).toBe(true);
    expect(JSON.parse(await readFile(join(dir, "etc", "agent.json"), "utf8"))).toMatchObject({
      portalUrl: portal.url,
      simulate: true,
    });
    expect((await stat(join(dir, "state", "key.pem"))).mode & 0o777).toBe(0o600);
    // The token reached the portal (install.sh passes it in the environment, not argv).
    expect(portal.bodies.some((b) => b.includes("tok-1234567890"))).toBe(true);

    // Run again (an upgrade): keeps the identity, needs no token.
    const again = await run("sh", [installer], { env, cwd: dir });
    expect(again.stdout).toMatch(/already enrolled/);
  });

  it("refuses without a token and explains", async () => {
    const env = {
      ...process.env,
      PATRONUS_PREFIX: join(dir, "opt2"),
      PATRONUS_STATE_DIR: join(dir, "state2"),
      PATRONUS_NO_SYSTEMD: "1",
    };
    await expect(run("sh", [installer], { env })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/enrollment token is required/),
    });
  });

  it("writes the same systemd unit as edge-agent/systemd/patronus-agent.service", async () => {
    const { stdout } = await run("sh", [installer, "--print-unit"], {
      env: { ...process.env, PATH: `${join(dir, "bin")}:${process.env.PATH}` },
    });
    const unit = await readFile(
      join(ROOT, "edge-agent", "systemd", "patronus-agent.service"),
      "utf8",
    );
    const node = (await run("sh", ["-c", "command -v node"])).stdout.trim();
    expect(stdout).toBe(unit.replace("/usr/bin/node", node));
  });
});
