// Pure pieces of the agent: receipt checks, backoff, metrics text, log redaction, and the
// state dir's recovery of an interrupted certificate renewal.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentSnapshot } from "../../edge-agent/src/agent/agent";
import { backoffDelay } from "../../edge-agent/src/agent/backoff";
import { checkDesired } from "../../edge-agent/src/agent/desired";
import { healthz, metricsText } from "../../edge-agent/src/agent/health";
import { createLogger } from "../../edge-agent/src/agent/log";
import { FileStore } from "../../edge-agent/src/agent/store";
import { mtlsTransport, TransportError } from "../../edge-agent/src/agent/transport";
import { configHash } from "../../protocol";
import { createDeviceKey } from "../../protocol/crypto/device-key";
import { deviceConfig } from "./lib/control";
import { createTestCa } from "./lib/pki";

const config = deviceConfig();
const msg = (over: Record<string, unknown> = {}) =>
  Buffer.from(
    JSON.stringify({
      v: 1,
      deviceId: "dev12345678",
      revision: 3,
      hash: configHash(config),
      issuedAt: new Date().toISOString(),
      config,
      ...over,
    }),
  );

describe("checkDesired", () => {
  it("accepts a well-formed message for this device", () => {
    const r = checkDesired(msg(), "dev12345678");
    expect(r.ok && r.desired.revision).toBe(3);
  });
  it("names the claimed revision of a refused message when it can", () => {
    expect(checkDesired(msg({ hash: "f".repeat(64) }), "dev12345678")).toMatchObject({
      ok: false,
      attempted: 3,
    });
    expect(checkDesired(msg({ revision: 3.5 }), "dev12345678")).toMatchObject({ ok: false });
    expect(checkDesired(msg({ deviceId: 7 }), "dev12345678")).toMatchObject({
      ok: false,
      attempted: 3,
    });
    expect(checkDesired(Buffer.from("]"), "dev12345678")).toEqual({
      ok: false,
      error: "message is not JSON",
      attempted: undefined,
    });
  });
  it("takes a newer control plane's message: unknown fields and sections, hashed as sent", () => {
    const newer = { ...config, sample: { notes: ["from a newer control plane"] } };
    const r = checkDesired(
      msg({ v: 2, priority: "high", config: newer, hash: configHash(newer) }),
      "dev12345678",
    );
    expect(r.ok).toBe(true);
    // Kept as sent: the hash (and the last good config on disk) hold with what it carries.
    expect(r.ok && configHash(r.desired.config)).toBe(configHash(newer));
  });
  it("refuses another device's state", () => {
    expect(checkDesired(msg(), "devother0000")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/addressed to device dev12345678, not devother0000/),
    });
  });
});

describe("backoff", () => {
  it("stays within [0, min(cap, base·2^n)] (full jitter)", () => {
    const o = { baseMs: 100, capMs: 1000 };
    expect(backoffDelay(0, o, () => 0.999)).toBe(99);
    expect(backoffDelay(3, o, () => 0.5)).toBe(400);
    expect(backoffDelay(50, o, () => 0.999)).toBe(999);
    expect(backoffDelay(5, o, () => 0)).toBe(0);
  });
});

describe("health output", () => {
  const snap: AgentSnapshot = {
    identity: "org1.dev1",
    deviceId: "dev1",
    connected: false,
    revision: 9,
    hash: null,
    status: "failed",
    error: "boom",
    appliesTotal: 4,
    applyFailuresTotal: 2,
    reconnectsTotal: 1,
    uptimeSeconds: 5,
    desiredRevision: 10,
    outcomes: { applied: 4, rejected: 0, rolled_back: 1, failed: 1 },
    lastApplySeconds: 0.25,
    appliedAt: null,
  };
  it("is not ok when the data plane state is unknown", () => {
    expect(healthz(snap)).toMatchObject({ ok: false, connected: false, revision: 9 });
    expect(healthz({ ...snap, status: "rolled_back" }).ok).toBe(true);
  });
  it("prints Prometheus text", () => {
    const text = metricsText([snap]);
    expect(text).toContain('patronus_agent_apply_failures_total{identity="org1.dev1"} 2');
    expect(text).toContain('patronus_agent_connected{identity="org1.dev1"} 0');
    expect(text).toContain("# TYPE patronus_agent_revision gauge");
  });
});

describe("logger", () => {
  it("writes JSON lines and never secrets", () => {
    const lines: string[] = [];
    const log = createLogger("info", (l) => lines.push(l)).child({ identity: "o.d" });
    log.debug("hidden");
    log.info("enrolling", { token: "tok-secret", keyPem: "-----BEGIN", revision: 2 });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: "info", msg: "enrolling", identity: "o.d", revision: 2 });
    expect(line.token).toBe("[redacted]");
    expect(lines[0]).not.toContain("tok-secret");
    expect(lines[0]).not.toContain("BEGIN");
  });
});

describe("state dir renewal recovery", () => {
  it("finishes a renewal interrupted between its renames", async () => {
    const dir = await mkdtemp(join(tmpdir(), "patronus-store-"));
    try {
      const ca = await createTestCa();
      const store = new FileStore(dir);
      const now = Date.now();
      const issue = async () => {
        const k = await createDeviceKey();
        const cert = await ca.issue(k.csrPem, "o.d", new Date(now - 1000), new Date(now + 1e8));
        return { keyPem: k.keyPem, certPem: cert };
      };
      const old = await issue();
      await store.saveKey(old.keyPem);
      await store.saveEnrollment(
        { certPem: old.certPem, caPem: ca.certPem, brokerCaPem: ca.certPem },
        { deviceId: "d", identity: "o.d", mqttUrl: "mqtts://x" },
      );
      // Crash after the key was renamed into place, before the certificate was.
      const next = await issue();
      await writeFile(join(dir, "key.pem"), next.keyPem, { mode: 0o600 });
      await writeFile(join(dir, "cert.pem.next"), next.certPem);
      expect((await store.loadCredentials())?.certPem).toBe(next.certPem);

      // A half-written renewal (key staged, no certificate) is dropped.
      const third = await issue();
      await writeFile(join(dir, "key.pem.next"), third.keyPem, { mode: 0o600 });
      expect((await store.loadCredentials())?.keyPem).toBe(next.keyPem);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("default transport", () => {
  const id = { deviceId: "d", identity: "o.d", mqttUrl: "mqtts://broker.example:8883" };
  const creds = { keyPem: "k", certPem: "c", caPem: "ca", brokerCaPem: "bca" };
  it("is mutual TLS, trusting only the broker CA from enrollment", () => {
    expect(mtlsTransport()(id, creds)).toEqual({
      url: "mqtts://broker.example:8883",
      options: { key: "k", cert: "c\n", ca: "bca", rejectUnauthorized: true },
    });
  });
  it("presents its org CA after its certificate when that CA is an intermediate", async () => {
    const root = await createTestCa("Platform root");
    const [when, until] = [new Date(Date.now() - 60_000), new Date(Date.now() + 3600_000)];
    const orgCa = await root.issue((await createDeviceKey()).csrPem, "Org CA", when, until);
    const leaf = await root.issue((await createDeviceKey()).csrPem, "o.d", when, until);
    const cert = (caPem: string) =>
      mtlsTransport()(id, { ...creds, certPem: leaf, caPem }).options.cert;
    expect(cert(`${orgCa}${root.certPem}`)).toBe(`${leaf.trim()}\n${orgCa.trim()}\n`);
    // A self-signed org CA (the first scheme) is the broker's to trust: the leaf alone.
    expect(cert(root.certPem)).toBe(`${leaf.trim()}\n`);
  });
  it("refuses an unencrypted broker URL and a missing certificate", () => {
    expect(() => mtlsTransport()({ ...id, mqttUrl: "mqtt://broker.example" }, creds)).toThrow(
      TransportError,
    );
    expect(() => mtlsTransport()(id, null)).toThrow(/no device key/);
  });
});
