// Mosquitto-specific behaviour: the real mosquitto_sub CLI as an attacker, shared
// subscriptions, persistence across restarts, what SIGHUP does (and does not do) to a
// revoked client, the dynamic-security kick, and process hygiene.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sharedFilter, topics, uplinkFilter } from "../../../protocol/topics";
import { MosquittoBroker } from "../../../server/domains/fleet/broker/mosquitto";
import {
  makeDevice,
  makeOrgCa,
  makePlatform,
  revoke,
  type TestCa,
  type TestDevice,
  type TestPlatform,
  trustFor,
} from "../../../testkit/factories/pki";
import { mosquittoSub } from "../../../testkit/stack/mosquitto-cli";
import {
  closedByBroker,
  connectMqtt,
  controlClientId,
  controlCreds,
  Inbox,
  publishOutcome,
  refusal,
} from "../../../testkit/stack/mqtt";

let platform: TestPlatform;
let broker: MosquittoBroker;
let caA: TestCa;
let caB: TestCa;
let a1: TestDevice;
let b1: TestDevice;
let clients: MqttClient[] = [];

beforeAll(async () => {
  platform = await makePlatform();
  [caA, caB] = [await makeOrgCa(), await makeOrgCa()];
  [a1, b1] = [await makeDevice(caA), await makeDevice(caB)];
  broker = await MosquittoBroker.start({
    platform: platform.pki,
    trust: trustFor(platform.pki, [caA, caB]),
    maxFiles: 4096,
  });
});
afterEach(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  clients = [];
});
afterAll(async () => {
  await broker?.stop();
  await platform?.cleanup();
});

const track = (c: MqttClient) => {
  clients.push(c);
  return c;
};
const device = async (d: TestDevice) =>
  track(
    await connectMqtt(broker.url, platform.pki.caPem, d, {
      clientId: d.identity,
      protocolVersion: 5,
    }),
  );
const control = async () =>
  track(
    await connectMqtt(broker.controlUrl, platform.pki.caPem, controlCreds(platform.pki), {
      clientId: controlClientId(),
      protocolVersion: 5,
    }),
  );

describe("Mosquitto, seen through mosquitto_sub", () => {
  it("gives a device with wildcard filters only its own topics", async () => {
    const cp = await control();
    await cp.publishAsync(topics.desired(b1.identity), "secret-of-b1", { qos: 1, retain: true });
    await cp.publishAsync(topics.state(b1.identity), "state-of-b1", { qos: 1, retain: true });
    const result = await mosquittoSub({
      url: broker.url,
      caPem: platform.pki.caPem,
      creds: a1,
      filters: ["#", "patronus/#", "patronus/v1/d/+/desired", topics.desired(b1.identity)],
      count: 1,
      timeoutS: 10,
      // Retained messages are sent right after the SUBACK; then the sentinel.
      onSubscribed: async () => {
        await cp.publishAsync(topics.desired(b1.identity), "live-secret", { qos: 1 });
        await cp.publishAsync(topics.desired(a1.identity), "sentinel", { qos: 1 });
      },
    });
    expect(result.messages, result.output).toEqual([`${topics.desired(a1.identity)} sentinel`]);
    expect(result.exitCode).toBe(0);
  });

  it("gives the control plane every device's state through a shared subscription", async () => {
    const [w1, w2] = [await control(), await control()];
    const filter = sharedFilter("workers", uplinkFilter("state"));
    const inboxes = [new Inbox(w1), new Inbox(w2)];
    for (const w of [w1, w2]) expect((await w.subscribeAsync(filter, { qos: 1 }))[0]?.qos).toBe(1);
    const devs = [await device(a1), await device(b1)];
    const sent: string[] = [];
    for (let i = 0; i < 6; i++) {
      const [dev, d] = i % 2 ? [devs[0]!, a1] : [devs[1]!, b1];
      sent.push(`state-${i}`);
      await dev.publishAsync(topics.state(d.identity), `state-${i}`, { qos: 1 });
    }
    // Each message goes to exactly one member of the group.
    for (const payload of sent)
      await Promise.any(inboxes.map((box) => box.next((m) => m.payload === payload)));
    const received = inboxes
      .flatMap((box) => box.messages.map((m) => m.payload))
      .filter((p) => /^state-\d$/.test(p));
    expect(received.sort()).toEqual(sent.sort());
  });
});

describe("Mosquitto restarts and reloads", () => {
  it("keeps retained desired states across a restart", async () => {
    const cp = await control();
    await cp.publishAsync(topics.desired(a1.identity), "kept-across-restart", {
      qos: 1,
      retain: true,
    });
    await cp.endAsync();
    await broker.restart();
    const dev = await device(a1);
    const inbox = new Inbox(dev);
    await dev.subscribeAsync(topics.desired(a1.identity), { qos: 1 });
    const m = await inbox.next((msg) => msg.topic === topics.desired(a1.identity));
    expect([m.payload, m.retain]).toEqual(["kept-across-restart", true]);
  });

  it("on SIGHUP refuses a revoked certificate's new connections but keeps its open one; the kick drops it", async () => {
    const victim = await makeDevice(caA);
    const conn = await device(victim);
    const inbox = new Inbox(conn);
    await conn.subscribeAsync(topics.desired(victim.identity), { qos: 1 });

    await revoke(caA, victim);
    await broker.reload(trustFor(platform.pki, [caA, caB])); // no kick
    expect(
      await refusal(
        connectMqtt(broker.url, platform.pki.caPem, victim, { clientId: victim.identity }),
      ),
    ).toMatch(/alert certificate revoked/);
    // Mosquitto 2.0.11 still serves the revoked client's open connection...
    const cp = await control();
    await cp.publishAsync(topics.desired(victim.identity), "still-delivered", { qos: 1 });
    await inbox.next((m) => m.payload === "still-delivered");
    expect(conn.connected).toBe(true);

    // ...until the dynamic-security kick.
    await broker.kick([victim.identity]);
    await closedByBroker(conn);
    expect(
      await refusal(
        connectMqtt(broker.url, platform.pki.caPem, victim, { clientId: victim.identity }),
      ),
    ).toMatch(/alert certificate revoked/);
  });

  it("applies trust changes that arrive together one after the other", async () => {
    // The first removes a CA (a restart), the second adds one (a SIGHUP): sent while the
    // restart was under way, the SIGHUP went to the stopped process and was never answered.
    const caC = await makeOrgCa();
    const c1 = await makeDevice(caC);
    for (let round = 0; round < 3; round++) {
      await Promise.all([
        broker.reload(trustFor(platform.pki, [caA])),
        broker.reload(trustFor(platform.pki, [caA, caB])),
        broker.reload(trustFor(platform.pki, [caA, caC])),
        broker.reload(trustFor(platform.pki, [caA, caB, caC])),
      ]);
    }
    const [b, c] = [await device(b1), await device(c1)];
    expect([b.connected, c.connected]).toEqual([true, true]);
  });

  it("answers every one of many reloads in a row (a SIGHUP during a reload is not lost)", async () => {
    // Mosquitto logs "Reloading config" when it starts a reload and clears its reload flag
    // when done: a SIGHUP sent in between was swallowed, and its reload never answered.
    // Many CAs make each reload long enough for the next SIGHUP to land inside it.
    const cas = await Promise.all(Array.from({ length: 150 }, () => makeOrgCa()));
    const caD = cas[0]!;
    const d1 = await makeDevice(caD);
    const all = trustFor(platform.pki, [caA, caB, ...cas]);
    await Promise.all(Array.from({ length: 30 }, () => broker.reload(all)));
    expect((await device(d1)).connected).toBe(true);
  });

  it("does not let a device use $CONTROL to kick another device", async () => {
    const target = await device(b1);
    const targetInbox = new Inbox(target);
    await target.subscribeAsync(topics.desired(b1.identity), { qos: 1 });
    const attacker = await device(a1);
    const commands = JSON.stringify({
      commands: [{ command: "deleteClient", username: b1.identity }],
    });
    expect(await publishOutcome(attacker, "$CONTROL/dynamic-security/v1", commands)).toBe(
      "refused",
    );
    const cp = await control();
    await cp.publishAsync(topics.desired(b1.identity), "still-connected", { qos: 1 });
    await targetInbox.next((m) => m.payload === "still-connected");
    expect(target.connected).toBe(true);
  });
});

describe("Mosquitto process", () => {
  it("raises the open-files limit and drops root privileges", async () => {
    const status = await readFile(`/proc/${broker.pid}/status`, "utf8");
    const limits = await readFile(`/proc/${broker.pid}/limits`, "utf8");
    expect(limits).toMatch(/Max open files\s+4096/);
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    if (process.getuid?.() === 0) expect(uid).not.toBe(0);
    else expect(uid).toBe(process.getuid?.());
  });

  it("stop() ends the process and removes its directory", async () => {
    const other = await MosquittoBroker.start({
      platform: platform.pki,
      trust: trustFor(platform.pki, [caA]),
    });
    const { pid, dir } = other;
    await other.stop();
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
  });
});
