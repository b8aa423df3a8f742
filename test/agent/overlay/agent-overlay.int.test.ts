// The overlay's share of the agent's channel against a real Mosquitto: the retained tunnel
// key and state at connect, the overlay applied inside validate → apply → verify →
// rollback, path reports every telemetry interval, and path events (QoS 1) kept while
// the broker is away and delivered after it returns. The overlay itself is a stand-in
// here (its kernel side needs root: overlay.bpf.test.ts); every message is checked
// against the protocol's schemas.
import { EventEmitter } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../../edge-agent/src/agent/agent";
import { SimulatedDriver } from "../../../edge-agent/src/agent/drivers/simulated";
import { EventQueue } from "../../../edge-agent/src/agent/overlay/events";
import type { OverlayHost } from "../../../edge-agent/src/agent/overlay/host";
import type { DraftEvent } from "../../../edge-agent/src/agent/overlay/select";
import { overlayConfig } from "../../../edge-agent/src/agent/overlay/test-fixtures";
import { MemoryStore } from "../../../edge-agent/src/agent/store";
import { plainTransport } from "../../../edge-agent/src/agent/transport";
import {
  decode,
  type OverlayConfig,
  type OverlayStatus,
  type PathEvent,
  type PathReport,
  parseTopic,
  TOPIC_ROOT,
  ZOverlayStatus,
  ZPathEvents,
  ZPathReport,
} from "../../../protocol";
import { desired, deviceConfig, newIdentity, TestControlPlane, waitFor } from "../lib/control";
import { Mosquitto } from "../lib/mosquitto";

/** A TCP relay to the broker that the test can cut: the agent loses the broker while
 * the test's own subscribers stay connected. */
async function cuttableRelay(port: number) {
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((c) => {
    if (!open) return c.destroy();
    const b = connect({ port, host: "127.0.0.1" });
    for (const s of [c, b]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => sockets.delete(s));
    }
    c.pipe(b).pipe(c);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

const PUBLIC_KEY = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=";

/** Records what the applier asks of it; apply fails for a config whose first path has
 * the id "broken". */
class StandInOverlay extends EventEmitter implements OverlayHost {
  readonly events = new EventQueue();
  config: OverlayConfig | null = null;
  readonly applied: (OverlayConfig | undefined)[] = [];

  validate() {}
  async apply(c: OverlayConfig | undefined) {
    this.applied.push(c);
    if (c?.paths[0]?.id === "broken") throw new Error("tunnel pwbroken: wireguard-go exited (1)");
    this.config = c ?? null;
    this.emit("status", this.status());
  }
  async verify() {}
  status(): OverlayStatus {
    return {
      v: 1,
      at: new Date().toISOString(),
      publicKey: PUBLIC_KEY,
      tunnels: (this.config?.paths ?? []).map((p) => ({
        pathId: p.id,
        ifname: p.ifname,
        state: "up" as const,
        lastHandshakeAt: null,
      })),
    };
  }
  async report(): Promise<PathReport> {
    return {
      v: 1,
      at: new Date().toISOString(),
      paths: (this.config?.paths ?? []).map((p) => ({
        id: p.id,
        state: "up" as const,
        latencyMs: 12.5,
        jitterMs: 1.2,
        lossPct: 0,
        mos: 4.4,
        probesSent: 30,
        probesLost: 0,
      })),
      selection: [],
    };
  }
  fire(reason: string) {
    const d: DraftEvent = {
      kind: "failover",
      unit: "class:1",
      unitName: "Voice",
      remoteSiteId: "site_b",
      fromPath: "a0~b0",
      toPath: "a1~b1",
      reason,
    };
    this.emit("event", this.events.push(d));
  }
}

let broker: Mosquitto;
let cp: TestControlPlane;
let watcher: MqttClient;
const seen = {
  overlay: [] as OverlayStatus[],
  paths: [] as PathReport[],
  events: [] as PathEvent[],
};
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  broker = await Mosquitto.create();
  cp = await TestControlPlane.connect(broker.url);
  watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 300 });
  watcher.on("message", (topic, payload) => {
    const t = parseTopic(topic);
    if (!t || payload.length === 0) return;
    if (t.channel === "overlay") seen.overlay.push(decode(ZOverlayStatus, payload));
    if (t.channel === "paths") seen.paths.push(decode(ZPathReport, payload));
    if (t.channel === "events") seen.events.push(...decode(ZPathEvents, payload).events);
  });
  await watcher.subscribeAsync(
    ["overlay", "paths", "events"].map((c) => `${TOPIC_ROOT}/+/${c}`),
    { qos: 1 },
  );
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  seen.overlay.length = seen.paths.length = seen.events.length = 0;
});

afterAll(async () => {
  await watcher?.endAsync();
  await cp?.close();
  await broker?.destroy();
});

async function startAgent(overlay: OverlayHost | undefined, url = broker.url) {
  const ids = newIdentity();
  const agent = new Agent({
    identity: { identity: ids.identity, deviceId: ids.deviceId, mqttUrl: url },
    driver: new SimulatedDriver(),
    ...(overlay ? { overlay } : {}),
    store: new MemoryStore(),
    transport: plainTransport(url),
    backoff: { baseMs: 100, capMs: 500 },
  });
  cleanups.push(async () => {
    await agent.stop();
    await cp.clearRetained(ids.identity);
  });
  await agent.start();
  expect(await agent.whenConnected(10_000)).toBe(true);
  return { agent, ids };
}

const withOverlay = (over: Partial<OverlayConfig> = {}) => {
  const o = { ...overlayConfig(), ...over };
  o.settings = { ...o.settings, telemetryIntervalMs: 1000 };
  return deviceConfig({ overlay: o });
};

describe("agent with an overlay", () => {
  it("publishes its tunnel key (retained) at connect, before any overlay config", async () => {
    await startAgent(new StandInOverlay());
    const s = await waitFor("overlay status", () => seen.overlay[0]);
    expect(s).toMatchObject({ publicKey: PUBLIC_KEY, tunnels: [] });
  });

  it("applies the overlay with the data plane, then reports its tunnels and paths", async () => {
    const overlay = new StandInOverlay();
    const { ids } = await startAgent(overlay);
    await cp.publishDesired(ids.identity, desired(ids.deviceId, 1, withOverlay()));
    await cp.waitState(ids.identity, (s) => s.status === "applied" && s.revision === 1);
    expect(overlay.applied).toHaveLength(1);
    expect(overlay.applied[0]?.paths).toEqual(overlayConfig().paths);
    const status = await waitFor("status with tunnels", () =>
      seen.overlay.find((s) => s.tunnels.length === 3),
    );
    expect(status.tunnels.map((t) => t.pathId)).toEqual(["a0~b0", "a1~b1", "a0~h0"]);
    const report = await waitFor("a path report", () => seen.paths[0]);
    expect(report.paths).toHaveLength(3);

    // A revision without an overlay removes it.
    await cp.publishDesired(ids.identity, desired(ids.deviceId, 2, deviceConfig()));
    await cp.waitState(ids.identity, (s) => s.status === "applied" && s.revision === 2);
    expect(overlay.applied.at(-1)).toBeUndefined();
  });

  it("rolls back when the overlay cannot be applied, restoring the previous overlay", async () => {
    const overlay = new StandInOverlay();
    const { ids } = await startAgent(overlay);
    await cp.publishDesired(ids.identity, desired(ids.deviceId, 1, withOverlay()));
    await cp.waitState(ids.identity, (s) => s.status === "applied" && s.revision === 1);
    const broken = overlayConfig().paths.map((p, i) => (i === 0 ? { ...p, id: "broken" } : p));
    await cp.publishDesired(ids.identity, desired(ids.deviceId, 2, withOverlay({ paths: broken })));
    const s = await cp.waitState(ids.identity, (x) => x.status === "rolled_back");
    expect(s).toMatchObject({ revision: 1, attempted: 2 });
    expect(s.error).toMatch(
      /revision 2 failed: tunnel pwbroken: wireguard-go exited \(1\); rolled back to revision 1/,
    );
    expect(overlay.applied.map((c) => c?.paths[0]?.id)).toEqual(["a0~b0", "broken", "a0~b0"]);
    expect(overlay.config?.paths[0]?.id).toBe("a0~b0");
  });

  it("sends path events with QoS 1, and keeps them while the broker is away", async () => {
    const relay = await cuttableRelay(broker.port);
    cleanups.push(relay.close);
    const overlay = new StandInOverlay();
    const { agent } = await startAgent(overlay, relay.url);
    overlay.fire("3 probes lost");
    await waitFor("first event", () => seen.events.length === 1);
    expect(seen.events[0]).toMatchObject({ kind: "failover", reason: "3 probes lost" });
    await waitFor("acknowledged", () => overlay.events.size === 0);

    relay.cut();
    await waitFor("agent offline", () => !agent.connected);
    for (const r of ["latency 212 ms > 150 ms", "loss 5 % > 1 %", "failback after 30 s hold-down"])
      overlay.fire(r);
    expect(overlay.events.size).toBe(3);
    relay.restore();
    await waitFor("queued events", () => seen.events.length === 4, 20_000);
    expect(seen.events.slice(1).map((e) => e.reason)).toEqual([
      "latency 212 ms > 150 ms",
      "loss 5 % > 1 %",
      "failback after 30 s hold-down",
    ]);
    expect(new Set(seen.events.map((e) => e.id)).size).toBe(4);
    await waitFor("queue empty", () => overlay.events.size === 0);
  });

  it("an agent without an overlay (simulated fleets) ignores config.overlay and publishes none of it", async () => {
    const { ids } = await startAgent(undefined);
    await cp.publishDesired(ids.identity, desired(ids.deviceId, 1, withOverlay()));
    await cp.waitState(ids.identity, (s) => s.status === "applied" && s.revision === 1);
    await new Promise((r) => setTimeout(r, 1500)); // one telemetry interval
    expect(seen.overlay.length + seen.paths.length).toBe(0);
  });
});
