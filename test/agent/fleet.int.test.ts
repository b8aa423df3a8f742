// Many agents in one process (the simulation and benchmark path): 200 simulated agents
// connect, each applies its own desired state, and all go offline on stop.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimFleet } from "../../edge-agent/src/agent/sim-fleet";
import { plainTransport } from "../../edge-agent/src/agent/transport";
import { desired, deviceConfig, newIdentity, TestControlPlane, waitFor } from "./lib/control";
import { Mosquitto } from "./lib/mosquitto";

let broker: Mosquitto;
let cp: TestControlPlane;

beforeAll(async () => {
  broker = await Mosquitto.create();
  cp = await TestControlPlane.connect(broker.url);
});

afterAll(async () => {
  await cp?.close();
  await broker?.destroy();
});

describe("simulated fleet", () => {
  it("200 agents in one process all apply one revision", async () => {
    const ids = Array.from({ length: 200 }, () => newIdentity());
    const fleet = await startSimFleet({
      agents: ids.map((i) => ({ identity: { ...i, mqttUrl: broker.url } })),
      transport: plainTransport(broker.url),
      heartbeatSeconds: 60,
      batchSize: 50,
    });
    try {
      await waitFor("all connected", () => fleet.summary().connected === 200, 60_000);
      const config = deviceConfig();
      await Promise.all(
        ids.map((i) => cp.publishDesired(i.identity, desired(i.deviceId, 4, config))),
      );
      await waitFor(
        "all applied",
        () =>
          ids.every((i) => {
            const s = cp.states.get(i.identity);
            return s?.revision === 4 && s.status === "applied";
          }),
        60_000,
      );
      expect(fleet.summary().byRevision).toEqual({ 4: 200 });
      expect(fleet.drivers.every((d) => d.applies === 1)).toBe(true);
    } finally {
      await fleet.stop();
    }
    await waitFor("all offline", () => ids.every((i) => cp.presence.get(i.identity) === false));
    for (const i of ids) await cp.clearRetained(i.identity);
  });
});
