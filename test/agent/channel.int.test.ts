// The channel under stress: the broker goes away and comes back (the agent reconnects
// with its own backoff and converges), and a killed agent process goes offline through
// its last will.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../edge-agent/src/agent/agent";
import { SimulatedDriver } from "../../edge-agent/src/agent/drivers/simulated";
import { MemoryStore } from "../../edge-agent/src/agent/store";
import { plainTransport } from "../../edge-agent/src/agent/transport";
import { desired, deviceConfig, newIdentity, TestControlPlane, waitFor } from "./lib/control";
import { Mosquitto } from "./lib/mosquitto";

let broker: Mosquitto;
let child: ChildProcess | null = null;

beforeAll(async () => {
  broker = await Mosquitto.create();
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await broker?.destroy();
});

describe("agent channel", () => {
  it("reconnects after a broker outage and converges to what was published meanwhile", async () => {
    const ids = newIdentity();
    const driver = new SimulatedDriver();
    const agent = new Agent({
      identity: { ...ids, mqttUrl: broker.url },
      driver,
      store: new MemoryStore(),
      transport: plainTransport(broker.url),
      backoff: { baseMs: 200, capMs: 2000 },
    });
    let cp = await TestControlPlane.connect(broker.url);
    try {
      await agent.start();
      expect(await agent.whenConnected(10_000)).toBe(true);
      await cp.publishDesired(ids.identity, desired(ids.deviceId, 1, deviceConfig()));
      await cp.waitState(ids.identity, (s) => s.revision === 1 && s.status === "applied");
      await cp.close();

      await broker.stop();
      await waitFor("the agent to notice", () => !agent.connected);
      // Let a few reconnect attempts fail (and the backoff grow) while it is down.
      await new Promise((r) => setTimeout(r, 1500));
      expect(agent.snapshot().revision).toBe(1); // the data plane keeps its config
      await broker.start(); // no persistence: the broker comes back empty

      cp = await TestControlPlane.connect(broker.url);
      const next = deviceConfig({ site: { id: "s", name: "while away" } });
      await cp.publishDesired(ids.identity, desired(ids.deviceId, 2, next));
      await cp.waitState(ids.identity, (s) => s.revision === 2 && s.status === "applied");
      expect(driver.current).toEqual(next);
      expect(agent.snapshot().reconnectsTotal).toBeGreaterThanOrEqual(1);
      expect(agent.connected).toBe(true);
    } finally {
      await agent.stop();
      await cp.clearRetained(ids.identity);
      await cp.close();
    }
  });

  it("goes offline through its last will when the agent process is killed", async () => {
    const ids = newIdentity();
    const cp = await TestControlPlane.connect(broker.url);
    try {
      const fixture = join(import.meta.dirname, "fixtures", "agent-child.ts");
      // node --import tsx: one process, so SIGKILL hits the agent itself (the tsx CLI
      // would put a second process in between).
      child = spawn(
        process.execPath,
        ["--import", "tsx", fixture, broker.url, ids.identity, ids.deviceId],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      await new Promise<void>((resolve, reject) => {
        child!.stdout!.once("data", () => resolve());
        child!.once("exit", (code) => reject(new Error(`agent exited ${code}`)));
      });
      await waitFor("presence online", () => cp.presence.get(ids.identity) === true);
      child.kill("SIGKILL");
      await waitFor("presence offline", () => cp.presence.get(ids.identity) === false);
    } finally {
      await cp.clearRetained(ids.identity);
      await cp.close();
    }
  });
});
