// The agent against a real Mosquitto (plain MQTT on loopback; the TLS harness is
// separate) with the simulated driver, driven by a test control plane that publishes
// retained desired states and reads the retained state reports.
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../edge-agent/src/agent/agent";
import {
  SimulatedDriver,
  type SimulatedDriverOptions,
} from "../../edge-agent/src/agent/drivers/simulated";
import { startHealthServer } from "../../edge-agent/src/agent/health";
import { type AgentStore, FileStore, MemoryStore } from "../../edge-agent/src/agent/store";
import { plainTransport } from "../../edge-agent/src/agent/transport";
import { MAX_MESSAGE_BYTES } from "../../protocol";
import { desired, deviceConfig, newIdentity, TestControlPlane, waitFor } from "./lib/control";
import { Mosquitto } from "./lib/mosquitto";

let broker: Mosquitto;
let cp: TestControlPlane;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  broker = await Mosquitto.create();
  cp = await TestControlPlane.connect(broker.url);
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

afterAll(async () => {
  await cp?.close();
  await broker?.destroy();
});

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), "patronus-agent-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function startAgent(
  o: {
    driver?: SimulatedDriverOptions;
    store?: AgentStore;
    ids?: ReturnType<typeof newIdentity>;
  } = {},
) {
  const ids = o.ids ?? newIdentity();
  const driver = new SimulatedDriver(o.driver);
  const agent = new Agent({
    identity: { identity: ids.identity, deviceId: ids.deviceId, mqttUrl: broker.url },
    driver,
    store: o.store ?? new MemoryStore(),
    transport: plainTransport(broker.url),
    heartbeatSeconds: 1,
    backoff: { baseMs: 100, capMs: 1000 },
  });
  cleanups.push(async () => {
    await agent.stop();
    await cp.clearRetained(ids.identity);
  });
  await agent.start();
  expect(await agent.whenConnected(10_000)).toBe(true);
  return { agent, driver, ...ids };
}

/** The next report for `identity` after this call that satisfies `pred`. */
function nextState(
  identity: string,
  pred: (s: { status: string; error: string | null }) => boolean,
) {
  const from = cp.stateLog.length;
  return waitFor(
    `a new state of ${identity}`,
    () => cp.stateLog.slice(from).find((e) => e.identity === identity && pred(e.state))?.state,
  );
}

describe("agent over MQTT", () => {
  it("applies a new revision and reports it; says it is online and beats", async () => {
    const { identity, deviceId, driver, agent } = await startAgent();
    await waitFor("presence online", () => cp.presence.get(identity) === true);
    const config = deviceConfig();
    const d = desired(deviceId, 1, config);
    await cp.publishDesired(identity, d);
    const s = await cp.waitState(identity, (s) => s.revision === 1);
    expect(s).toMatchObject({ status: "applied", hash: d.hash, error: null });
    expect(s.appliedAt).not.toBeNull();
    expect(driver.current).toEqual(config);
    expect(agent.snapshot()).toMatchObject({ revision: 1, status: "applied", appliesTotal: 1 });
    await waitFor("a heartbeat", () => (cp.heartbeats.get(identity) ?? 0) > 0);
  });

  it("persists last-good and a new agent applies it at boot, before connecting", async () => {
    const dir = await tempDir();
    const ids = newIdentity();
    const config = deviceConfig({ site: { id: "s2", name: "Persisted" } });
    const first = await startAgent({ store: new FileStore(dir), ids });
    await cp.publishDesired(ids.identity, desired(ids.deviceId, 7, config));
    await cp.waitState(ids.identity, (s) => s.revision === 7 && s.status === "applied");
    await first.agent.stop();

    const saved = JSON.parse(await readFile(join(dir, "last-good.json"), "utf8"));
    expect(saved).toMatchObject({ revision: 7, deviceId: ids.deviceId, config });

    const driver = new SimulatedDriver();
    const second = new Agent({
      identity: { identity: ids.identity, deviceId: ids.deviceId, mqttUrl: broker.url },
      driver,
      store: new FileStore(dir),
      // Unreachable broker: the restored config must not depend on the channel.
      transport: plainTransport("mqtt://127.0.0.1:1"),
      backoff: { baseMs: 100, capMs: 500 },
    });
    cleanups.push(() => second.stop());
    await second.start();
    expect(driver.current).toEqual(config);
    expect(second.snapshot()).toMatchObject({ revision: 7, status: "applied", connected: false });
  });

  it("never applies an older revision; the same one again is only re-reported", async () => {
    const { identity, deviceId, driver } = await startAgent();
    const c5 = deviceConfig({ site: { id: "s", name: "five" } });
    await cp.publishDesired(identity, desired(deviceId, 5, c5));
    await cp.waitState(identity, (s) => s.revision === 5 && s.status === "applied");
    expect(driver.applies).toBe(1);

    const older = nextState(identity, (s) => s.status === "rejected");
    await cp.publishDesired(identity, desired(deviceId, 3, deviceConfig()));
    expect(await older).toMatchObject({
      revision: 5,
      attempted: 3,
      error: "revision 3 is older than applied 5",
    });

    const again = nextState(identity, (s) => s.status === "applied");
    await cp.publishDesired(identity, desired(deviceId, 5, c5));
    expect(await again).toMatchObject({ revision: 5, error: null });

    const changed = nextState(identity, (s) => s.status === "rejected");
    await cp.publishDesired(identity, desired(deviceId, 5, deviceConfig()));
    expect((await changed).error).toMatch(/already applied with different content/);
    expect(driver.applies).toBe(1);
    expect(driver.current).toEqual(c5);
  });

  it("rejects wrong device, wrong hash, malformed JSON and oversized payloads without change", async () => {
    const { identity, deviceId, driver } = await startAgent();
    const good = deviceConfig();
    await cp.publishDesired(identity, desired(deviceId, 1, good));
    await cp.waitState(identity, (s) => s.revision === 1 && s.status === "applied");

    const cases: [string, Buffer | string, RegExp][] = [
      [
        "wrong device",
        JSON.stringify(desired("someoneelse1", 2, deviceConfig())),
        /addressed to device someoneelse1/,
      ],
      [
        "wrong hash",
        JSON.stringify({ ...desired(deviceId, 2, deviceConfig()), hash: "0".repeat(64) }),
        /does not match the config/,
      ],
      ["malformed JSON", "{not json", /not JSON/],
      [
        "off schema",
        JSON.stringify({ ...desired(deviceId, 2, deviceConfig()), config: { rules: "all" } }),
        /invalid message: config/,
      ],
      ["oversized", Buffer.alloc(MAX_MESSAGE_BYTES + 10, 0x20), /over the 1048576-byte limit/],
    ];
    for (const [name, payload, error] of cases) {
      const rejected = nextState(identity, (s) => s.status === "rejected");
      await cp.publishRaw(identity, payload);
      const s = await rejected;
      expect(s.error, name).toMatch(error);
      expect(s.revision, name).toBe(1);
    }
    expect(driver.applies).toBe(1);
    expect(driver.current).toEqual(good);
  });

  it("refuses a config this device cannot run (port forward without WAN address)", async () => {
    const { identity, deviceId, driver } = await startAgent();
    const { wanAddress: _, ...noAddress } = deviceConfig().interfaces;
    const config = deviceConfig({
      interfaces: noAddress,
      portForwards: [{ id: 1, proto: "tcp", port: 8080, to: "192.168.77.2", toPort: 80 }],
    });
    await cp.publishDesired(identity, desired(deviceId, 1, config));
    const s = await cp.waitState(identity, (s) => s.status === "rejected");
    expect(s).toMatchObject({ revision: 0, attempted: 1 });
    expect(s.error).toMatch(/wanAddress/);
    expect(driver.applies).toBe(0);
  });

  it("rolls back a failed apply, reports why, and keeps last-good", async () => {
    const dir = await tempDir();
    const store = new FileStore(dir);
    const { identity, deviceId, driver } = await startAgent({
      store,
      driver: { failMarker: "FAIL-ME" },
    });
    const good = deviceConfig();
    await cp.publishDesired(identity, desired(deviceId, 1, good));
    await cp.waitState(identity, (s) => s.revision === 1 && s.status === "applied");

    const bad = deviceConfig({ site: { id: "s", name: "FAIL-ME please" } });
    await cp.publishDesired(identity, desired(deviceId, 2, bad));
    const s = await cp.waitState(identity, (s) => s.status === "rolled_back");
    expect(s).toMatchObject({ revision: 1, attempted: 2 });
    expect(s.error).toMatch(/revision 2 failed: simulated failure.*rolled back to revision 1/);
    expect(driver.current).toEqual(good);
    expect((await store.loadLastGood())?.revision).toBe(1);
  });

  it("reports failed when the rollback fails too", async () => {
    const { identity, deviceId, agent } = await startAgent({
      driver: { failMarker: "FAIL-ME", failRollback: true },
    });
    await cp.publishDesired(identity, desired(deviceId, 1, deviceConfig()));
    await cp.waitState(identity, (s) => s.revision === 1 && s.status === "applied");
    const bad = deviceConfig({ site: { id: "s", name: "FAIL-ME" } });
    await cp.publishDesired(identity, desired(deviceId, 2, bad));
    const s = await cp.waitState(identity, (s) => s.status === "failed");
    expect(s).toMatchObject({ revision: 1, attempted: 2 });
    expect(s.error).toMatch(/rollback to revision 1 failed too/);
    expect(agent.snapshot().applyFailuresTotal).toBe(1);
  });

  it("coalesces rapid revisions and ends on the newest", async () => {
    const { identity, deviceId, driver } = await startAgent({ driver: { applyDelayMs: 300 } });
    const configs = [1, 2, 3, 4, 5].map((r) =>
      deviceConfig({ site: { id: "s", name: `rev ${r}` } }),
    );
    for (const [i, c] of configs.entries())
      await cp.publishDesired(identity, desired(deviceId, i + 1, c));
    await cp.waitState(identity, (s) => s.revision === 5 && s.status === "applied");
    expect(driver.current).toEqual(configs[4]);
    expect(driver.applies).toBeLessThan(5);
    const appliedRevisions = cp.stateLog
      .filter((e) => e.identity === identity && e.state.status === "applied")
      .map((e) => e.state.revision);
    expect(appliedRevisions.at(-1)).toBe(5);
    expect(appliedRevisions).toEqual([...appliedRevisions].sort((a, b) => a - b));
  });

  it("serves /healthz and /metrics on loopback", async () => {
    const { identity, deviceId, agent } = await startAgent();
    await cp.publishDesired(identity, desired(deviceId, 3, deviceConfig()));
    await cp.waitState(identity, (s) => s.revision === 3);
    const health = await startHealthServer(agent, { host: "127.0.0.1", port: 0 });
    cleanups.push(() => health.close());
    const base = `http://127.0.0.1:${health.port}`;
    const h = await (await fetch(`${base}/healthz`)).json();
    expect(h).toMatchObject({
      ok: true,
      connected: true,
      identity,
      revision: 3,
      status: "applied",
    });
    const m = await (await fetch(`${base}/metrics`)).text();
    expect(m).toContain(`patronus_agent_revision{identity="${identity}"} 3`);
    expect(m).toContain(`patronus_agent_applies_total{identity="${identity}"} 1`);
    expect(m).toContain(`patronus_agent_connected{identity="${identity}"} 1`);
    expect(m).toMatch(/# TYPE patronus_agent_reconnects_total counter/);
  });

  it("writes key material with owner-only permissions", async () => {
    const dir = await tempDir();
    const store = new FileStore(dir);
    await store.saveKey("-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n");
    expect((await stat(join(dir, "key.pem"))).mode & 0o777).toBe(0o600);
  });
});
