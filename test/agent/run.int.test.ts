// The production path end to end: enroll through the CLI, then `patronus-agent run` as
// its own process over mutual TLS (a Mosquitto that requires client certificates from
// the org CA), simulated data plane, health endpoint, `status`, and a clean SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeviceKey } from "../../server/fleet/pki/device-key";
import { CONTROL_PLANE_IDENTITY } from "../../server/fleet/protocol";
import { desired, deviceConfig, TestControlPlane, waitFor } from "./lib/control";
import { freePort, Mosquitto } from "./lib/mosquitto";
import { createTestCa } from "./lib/pki";
import { type StubPortal, startStubPortal } from "./lib/portal";

const BIN = join(import.meta.dirname, "..", "..", "edge-agent", "bin", "patronus-agent");
let dir: string;
let broker: Mosquitto;
let portal: StubPortal;
let cp: TestControlPlane;
let agent: ChildProcess | null = null;

function cli(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("exit", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "patronus-run-"));
  const ca = await createTestCa();
  broker = await Mosquitto.create({ caPem: ca.certPem, ...(await ca.issueServer()) });
  portal = await startStubPortal({ brokerUrl: broker.url, ca });
  const k = await createDeviceKey();
  const now = Date.now();
  const cert = await ca.issue(
    k.csrPem,
    CONTROL_PLANE_IDENTITY,
    new Date(now - 1000),
    new Date(now + 3600_000),
  );
  cp = await TestControlPlane.connect(broker.url, { ca: ca.certPem, cert, key: k.keyPem });
});

afterAll(async () => {
  if (agent && agent.exitCode === null) agent.kill("SIGKILL");
  await cp?.close();
  await portal?.close();
  await broker?.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe("patronus-agent run (mutual TLS)", () => {
  it("enrolls, connects with its certificate, applies, reports, and stops cleanly", async () => {
    const config = join(dir, "agent.json");
    const health = await freePort();
    await writeFile(
      config,
      JSON.stringify({
        portalUrl: portal.url,
        stateDir: join(dir, "state"),
        simulate: true,
        health: { port: health },
        heartbeatSeconds: 1,
      }),
    );
    const enrolled = await cli(["enroll", "--token", "tok-1234567890", "--config", config]);
    expect(enrolled.code).toBe(0);
    const { identity, deviceId } = JSON.parse(
      await readFile(join(dir, "state", "identity.json"), "utf8"),
    );

    let logs = "";
    agent = spawn(BIN, ["run", "--config", config], { stdio: ["ignore", "pipe", "pipe"] });
    agent.stderr!.on("data", (d) => (logs += d));
    await waitFor("presence online", () => cp.presence.get(identity) === true);

    const d = desired(deviceId, 1, deviceConfig());
    await cp.publishDesired(identity, d);
    await cp.waitState(identity, (s) => s.revision === 1 && s.status === "applied");
    await waitFor("a heartbeat", () => (cp.heartbeats.get(identity) ?? 0) > 0);

    const h = await (await fetch(`http://127.0.0.1:${health}/healthz`)).json();
    expect(h).toMatchObject({ ok: true, connected: true, identity, revision: 1 });
    const status = await cli(["status", "--config", config]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/revision: +1 \(applied\)/);
    expect(status.stdout).toMatch(/connected: +yes/);

    const exited = new Promise<number | null>((r) => agent!.once("exit", (code) => r(code)));
    agent.kill("SIGTERM");
    expect(await exited).toBe(0);
    await waitFor("presence offline", () => cp.presence.get(identity) === false);
    // JSON lines, and no key material in them.
    const lines = logs
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.some((l) => l.msg === "connected to broker")).toBe(true);
    expect(logs).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE|tok-1234567890/);
    await cp.clearRetained(identity);
  });
});
