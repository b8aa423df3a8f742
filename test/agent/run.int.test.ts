// The production path end to end on the real control plane (testkit/stack/fleet-stack.ts): a
// site and token from the API, `patronus-agent enroll` and `patronus-agent run` as their own
// processes (simulated data plane), mutual TLS to the fleet's Mosquitto with the certificate
// the org CA signed, and the portal's device row as the judge of what was applied.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createSite,
  deviceInSync,
  devicesOf,
  eventually,
} from "../../testkit/factories/agent-site";
import { useFleetStack } from "../../testkit/stack/fleet-stack";
import { AgentProcess, cli } from "./lib/cli";
import { freePort } from "./lib/mosquitto";

const stack = useFleetStack();
let root: string;
let n = 0;
const agents: AgentProcess[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "patronus-run-"));
});

afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop();
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** A config file for one simulated box, pointing at the stack's enrollment endpoint. */
async function box() {
  const dir = join(root, `box-${++n}`);
  const health = await freePort();
  const config = join(dir, "agent.json");
  await mkdir(dir);
  await writeFile(
    config,
    JSON.stringify({
      portalUrl: stack.portalUrl,
      stateDir: join(dir, "state"),
      simulate: true,
      health: { port: health },
      heartbeatSeconds: 1,
    }),
  );
  return { dir, config, health, stateDir: join(dir, "state") };
}

function run(config: string) {
  const a = AgentProcess.start(["run", "--config", config]);
  agents.push(a);
  return a;
}

const healthz = async (port: number) =>
  (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) })).json();

describe("patronus-agent run against the fleet control plane", () => {
  it("enrolls, connects over mTLS, applies the site's config and a portal change, stops cleanly", async () => {
    const site = await createSite();
    const b = await box();
    const enrolled = await cli(["enroll", "--token", site.token.token, "--config", b.config]);
    expect(enrolled.code).toBe(0);
    const { identity, deviceId } = JSON.parse(
      await readFile(join(b.stateDir, "identity.json"), "utf8"),
    );

    const agent = run(b.config);
    const first = await deviceInSync(site, deviceId);
    expect(first).toMatchObject({ status: "active", lastError: null, inSync: true });
    expect(await healthz(b.health)).toMatchObject({
      ok: true,
      connected: true,
      identity,
      revision: first.desiredRevision,
    });
    const status = await cli(["status", "--config", b.config]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`revision:   ${first.desiredRevision} (applied)`);
    expect(status.stdout).toMatch(/connected: +yes/);

    // An operator changes policy: a new revision reaches the agent and is applied.
    const { revision } = await site.api.policy.create({
      orgSlug: site.slug,
      siteId: site.siteId,
      priority: 10,
      action: "deny",
      src: "10.0.0.0/8",
      dst: "192.168.0.0/16",
      proto: "tcp",
      ports: { lo: 22, hi: 22 },
    });
    expect(revision).toBeGreaterThan(first.desiredRevision);
    const second = await deviceInSync(site, deviceId, revision);
    expect(second.reportedRevision).toBe(revision);
    const lastGood = JSON.parse(await readFile(join(b.stateDir, "last-good.json"), "utf8"));
    expect(lastGood).toMatchObject({ revision, deviceId });
    expect(lastGood.config.rules).toEqual([
      {
        id: 1,
        src: "10.0.0.0/8",
        dst: "192.168.0.0/16",
        proto: "tcp",
        ports: [22, 22],
        action: "deny",
      },
    ]);

    expect(await agent.stop()).toBe(0);
    expect(agent.stdout).toContain("stopped");
    await eventually("the device to show offline", async () => {
      const d = await site.api.device.get({ orgSlug: site.slug, deviceId });
      return !d.online && d;
    });
    // JSON lines, and no key material or token in them.
    expect(agent.logLines().some((l) => l.msg === "connected to broker")).toBe(true);
    expect(agent.stderr).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    expect(agent.stderr).not.toContain(site.token.token);
  });

  it("a device awaiting approval: run polls, the operator approves, the agent applies", async () => {
    const site = await createSite({ autoApprove: false });
    const b = await box();
    const enrolled = await cli([
      "enroll",
      "--token",
      site.token.token,
      "--config",
      b.config,
      "--no-wait",
    ]);
    expect(enrolled.code).toBe(0);
    const [pending] = await devicesOf(site);
    expect(pending).toMatchObject({ status: "pending", online: false });

    const agent = run(b.config);
    await eventually("the agent to wait for approval", async () =>
      agent.logLines().some((l) => String(l.msg).startsWith("enrollment pending")),
    );
    expect(agent.running).toBe(true);
    await site.api.device.approve({ orgSlug: site.slug, deviceId: pending!.id });

    const row = await deviceInSync(site, pending!.id);
    expect(row).toMatchObject({ status: "active", inSync: true });
    const identity = JSON.parse(await readFile(join(b.stateDir, "identity.json"), "utf8"));
    expect(identity).toMatchObject({ deviceId: pending!.id, mqttUrl: stack.broker.url });
    expect(await healthz(b.health)).toMatchObject({ ok: true, revision: row.desiredRevision });
    expect(await agent.stop()).toBe(0);
  }, 90_000);
});
