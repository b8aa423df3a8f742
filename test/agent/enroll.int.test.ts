// Enrollment from the agent's side, through the real CLI, against the stub portal in
// lib/portal.ts (the portal's own endpoint is being built separately).
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enroll } from "../../edge-agent/src/agent/enroll";
import { FileStore } from "../../edge-agent/src/agent/store";
import { certMatchesKey } from "../../server/fleet/pki/device-key";
import { freePort } from "./lib/mosquitto";
import { type StubPortal, startStubPortal } from "./lib/portal";

let portal: StubPortal;
let url: string;
let root: string;

beforeAll(async () => {
  portal = await startStubPortal();
  url = portal.url;
  root = await mkdtemp(join(tmpdir(), "patronus-enroll-"));
});

afterAll(async () => {
  await portal?.close();
  await rm(root, { recursive: true, force: true });
});

const BIN = join(import.meta.dirname, "..", "..", "edge-agent", "bin", "patronus-agent");

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("exit", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("patronus-agent enroll", () => {
  it("enrolls: writes the config, keeps the key local (0600) and saves the identity", async () => {
    const config = join(root, "a", "agent.json");
    const stateDir = join(root, "a", "state");
    const r = await cli([
      "enroll",
      "--url",
      url,
      "--token",
      "tok-1234567890",
      "--config",
      config,
      "--state-dir",
      stateDir,
      "--simulate",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/enrolled: device dev\d{8} \(identity orgabcdef12\.dev\d{8}\)/);
    expect(JSON.parse(await readFile(config, "utf8"))).toEqual({
      portalUrl: url,
      stateDir,
      simulate: true,
    });
    const store = new FileStore(stateDir);
    const creds = await store.loadCredentials();
    expect(creds && certMatchesKey(creds.certPem, creds.keyPem)).toBe(true);
    expect((await stat(join(stateDir, "key.pem"))).mode & 0o777).toBe(0o600);
    expect(await store.loadIdentity()).toMatchObject({ mqttUrl: "mqtts://127.0.0.1:8883" });
    expect(portal.bodies.some((b) => b.includes("PRIVATE KEY"))).toBe(false);

    // Enrolling twice is refused with a way out.
    const again = await cli(["enroll", "--token", "tok-1234567890", "--config", config]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already enrolled as orgabcdef12\.dev\d{8}/);

    // status without a running agent: from the state dir, exit 3.
    const health = await freePort();
    const cfg = JSON.parse(await readFile(config, "utf8"));
    await writeFile(config, JSON.stringify({ ...cfg, health: { port: health } }));
    const s = await cli(["status", "--config", config]);
    expect(s.code).toBe(3);
    expect(s.stdout).toMatch(/identity: +orgabcdef12\.dev/);
    expect(s.stdout).toMatch(/not running/);
  });

  it("shows the portal's error message and exits non-zero", async () => {
    const r = await cli([
      "enroll",
      "--url",
      url,
      "--token",
      "expired-123456",
      "--config",
      join(root, "b", "agent.json"),
      "--state-dir",
      join(root, "b", "state"),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("This enrollment token has expired");
  });

  it("says so when the portal cannot be reached", async () => {
    const r = await cli([
      "enroll",
      "--url",
      `http://127.0.0.1:${await freePort()}`,
      "--token",
      "tok-1234567890",
      "--config",
      join(root, "c", "agent.json"),
    ]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/cannot reach the portal/);
  });

  it("polls a pending enrollment until it is approved", async () => {
    const store = new FileStore(join(root, "d"));
    const pending: string[] = [];
    const result = await enroll({
      url,
      token: "approve-123456",
      store,
      onPending: (id) => pending.push(id),
    });
    expect(pending).toHaveLength(1);
    expect(result.status).toBe("active");
    expect(await store.loadPending()).toBeNull();
    expect((await store.loadIdentity())?.deviceId).toBe(pending[0]);
  });

  it("--no-wait leaves a pending enrollment that can be resumed", async () => {
    const config = join(root, "e", "agent.json");
    const r = await cli([
      "enroll",
      "--url",
      url,
      "--token",
      "approve-999999",
      "--config",
      config,
      "--state-dir",
      join(root, "e", "state"),
      "--no-wait",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pending approval/);
    const p = await new FileStore(join(root, "e", "state")).loadPending();
    expect(p).toMatchObject({ portalUrl: url, retryAfterSeconds: 1 });
    expect((await stat(join(root, "e", "state", "enroll-pending.json"))).mode & 0o777).toBe(0o600);
  });
});
