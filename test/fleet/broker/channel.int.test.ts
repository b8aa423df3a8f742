// The fleet channel's rules, against real brokers and real clients: the same cases for the
// embedded broker (Aedes, MQTT 3.1.1 only) and Mosquitto (MQTT 3.1.1 and 5).
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MAX_MESSAGE_BYTES, sharedFilter, topics, uplinkFilter } from "../../../protocol/topics";
import {
  makeDevice,
  makeOrgCa,
  makePlatform,
  type TestDevice,
  type TestPlatform,
  trustFor,
} from "../../../testkit/factories/pki";
import { startBroker, type TestBroker } from "../../../testkit/stack/brokers";
import {
  type ConnectOptions,
  connectMqtt,
  controlClientId,
  controlCreds,
  grantedQos,
  Inbox,
  publishOutcome,
  refusal,
} from "../../../testkit/stack/mqtt";

const CASES = [
  { broker: "embedded", mqtt: 4 },
  { broker: "mosquitto", mqtt: 4 },
  { broker: "mosquitto", mqtt: 5 },
] as const;

describe.each(CASES)(
  "fleet channel on $broker, MQTT v$mqtt",
  ({ broker: kind, mqtt: protocolVersion }) => {
    let platform: TestPlatform;
    let broker: TestBroker;
    let a1: TestDevice; // org A
    let a2: TestDevice; // org A, another device
    let b1: TestDevice; // org B
    let clients: MqttClient[] = [];

    beforeAll(async () => {
      platform = await makePlatform();
      const [caA, caB] = [await makeOrgCa(), await makeOrgCa()];
      [a1, a2, b1] = [await makeDevice(caA), await makeDevice(caA), await makeDevice(caB)];
      broker = await startBroker(kind, platform.pki, trustFor(platform.pki, [caA, caB]));
    });
    afterEach(async () => {
      await Promise.all(clients.map((c) => c.endAsync(true)));
      clients = [];
    });
    afterAll(async () => {
      await broker?.stop();
      await platform?.cleanup();
    });

    /** What to expect on Aedes, on Mosquitto with MQTT 3.1.1, with MQTT 5. */
    const per = <T>(embedded: T, mosquitto4: T, mosquitto5: T) =>
      kind === "embedded" ? embedded : protocolVersion === 4 ? mosquitto4 : mosquitto5;

    const track = (c: MqttClient) => {
      clients.push(c);
      return c;
    };
    const device = async (d: TestDevice, opts: ConnectOptions = {}) =>
      track(
        await connectMqtt(broker.url, platform.pki.caPem, d, {
          clientId: d.identity,
          protocolVersion,
          ...opts,
        }),
      );
    const control = async () =>
      track(
        await connectMqtt(broker.controlUrl, platform.pki.caPem, controlCreds(platform.pki), {
          clientId: controlClientId(),
          protocolVersion,
        }),
      );

    it("delivers a retained desired state to its device, and the device's state to the control plane", async () => {
      const cp = await control();
      await cp.publishAsync(topics.desired(a1.identity), "desired-1", { qos: 1, retain: true });
      const cpInbox = new Inbox(cp);
      expect(await grantedQos(cp, uplinkFilter("state"))).toBe(1);

      const dev = await device(a1);
      const inbox = new Inbox(dev);
      expect(await grantedQos(dev, topics.desired(a1.identity))).toBe(1);
      expect(await inbox.next((m) => m.topic === topics.desired(a1.identity))).toEqual({
        topic: topics.desired(a1.identity),
        payload: "desired-1",
        retain: true,
      });

      expect(await publishOutcome(dev, topics.state(a1.identity), "state-1")).toBe("acked");
      const got = await cpInbox.next((m) => m.topic === topics.state(a1.identity));
      expect(got.payload).toBe("state-1");
    });

    it("lets a device read nothing of another device or org, even with wildcards", async () => {
      const cp = await control();
      for (const d of [a2, b1]) {
        await cp.publishAsync(topics.desired(d.identity), `secret-desired-${d.identity}`, {
          qos: 1,
          retain: true,
        });
        await cp.publishAsync(topics.state(d.identity), `secret-state-${d.identity}`, {
          qos: 1,
          retain: true,
        });
      }
      const dev = await device(a1);
      const inbox = new Inbox(dev);
      expect(await grantedQos(dev, topics.desired(a1.identity))).toBe(1); // for the sentinel
      const filters = [
        "#",
        "patronus/#",
        "patronus/v1/d/+/desired",
        "patronus/v1/d/+/+",
        topics.desired(b1.identity),
        topics.desired(a2.identity),
        topics.state(b1.identity),
        topics.cert(b1.identity),
        "$SYS/#",
        sharedFilter("spy", topics.desired(b1.identity)),
        sharedFilter("spy", uplinkFilter("state")),
      ];
      const grants = [];
      for (const f of filters) grants.push(await grantedQos(dev, f));
      if (kind === "embedded") expect(grants.every((q) => q === 128)).toBe(true);
      // Mosquitto grants every filter and checks read access per message instead.

      for (const d of [a2, b1])
        await cp.publishAsync(topics.desired(d.identity), "live-secret", { qos: 1 });
      await cp.publishAsync(topics.desired(a1.identity), "sentinel", { qos: 1 });
      const before = await inbox.before((m) => m.payload === "sentinel");
      expect(before.filter((m) => m.topic !== topics.desired(a1.identity))).toEqual([]);
    });

    it("refuses a device's publishes to other devices' topics and to its own downlink", async () => {
      const cp = await control();
      const observer = new Inbox(cp);
      expect(await grantedQos(cp, "patronus/v1/d/#")).toBe(1);
      const forged = [
        topics.desired(b1.identity),
        topics.state(b1.identity),
        topics.desired(a2.identity),
        topics.state(a2.identity),
        topics.presence(b1.identity),
        topics.telemetry(b1.identity, "links"),
        topics.desired(a1.identity),
        topics.cert(a1.identity),
        "patronus/v1/d/elsewhere",
      ];
      const outcomes = new Set<string>();
      let dev = await device(a1);
      for (const topic of forged) {
        const outcome = await publishOutcome(dev, topic, "forged");
        outcomes.add(outcome);
        if (outcome === "closed") dev = await device(a1);
      }
      // Aedes cuts the connection; Mosquitto drops the message and answers PUBACK, with
      // reason code 0x87 (not authorized) in MQTT 5.
      expect([...outcomes]).toEqual([per("closed", "acked", "refused")]);

      await cp.publishAsync(topics.state(a1.identity), "sentinel", { qos: 1 });
      const before = await observer.before((m) => m.payload === "sentinel");
      expect(before.filter((m) => m.payload === "forged")).toEqual([]);
    });

    it(`refuses a payload over ${MAX_MESSAGE_BYTES} bytes and passes one of exactly that size`, async () => {
      const cp = await control();
      const observer = new Inbox(cp);
      await cp.subscribeAsync(uplinkFilter("telemetry"), { qos: 1 });
      const dev = await device(a1);
      const topic = topics.telemetry(a1.identity, "big");

      expect(await publishOutcome(dev, topic, Buffer.alloc(MAX_MESSAGE_BYTES, 120))).toBe("acked");
      expect((await observer.next((m) => m.topic === topic)).payload).toHaveLength(
        MAX_MESSAGE_BYTES,
      );

      // Aedes cuts the connection. Mosquitto drops the message and acks it; in MQTT 5 its
      // PUBACK carries 0x95 (packet too large), a code the spec does not allow in a PUBACK,
      // so mqtt.js reports a client error instead of a refusal.
      const outcome = await publishOutcome(dev, topic, Buffer.alloc(MAX_MESSAGE_BYTES + 1, 121));
      expect(outcome).toBe(per("closed", "acked", "error: Invalid puback reason code"));
      await cp.publishAsync(topic, "sentinel", { qos: 1 });
      const before = await observer.before((m) => m.payload === "sentinel");
      expect(before.filter((m) => m.payload.length > MAX_MESSAGE_BYTES)).toEqual([]);
    });

    it("lets the control plane publish desired to every device and read every state", async () => {
      const cp = await control();
      const second = await control(); // several control-plane connections at once
      const observer = new Inbox(cp);
      await cp.subscribeAsync(uplinkFilter("state"), { qos: 1 });
      const devices = [a1, b1];
      for (const d of devices) {
        const dev = await device(d);
        const inbox = new Inbox(dev);
        await dev.subscribeAsync(topics.desired(d.identity), { qos: 1 });
        await second.publishAsync(topics.desired(d.identity), `for-${d.identity}`, { qos: 1 });
        await inbox.next(
          (m) => m.topic === topics.desired(d.identity) && m.payload === `for-${d.identity}`,
        );
        await dev.publishAsync(topics.state(d.identity), `state-of-${d.identity}`, { qos: 1 });
        await observer.next((m) => m.payload === `state-of-${d.identity}`);
      }
      expect(cp.connected && second.connected).toBe(true);
    });

    it("splits device messages between control-plane workers (shared subscriptions)", async () => {
      const filter = sharedFilter("workers", uplinkFilter("heartbeat"));
      const cp = await control();
      const second = await control();
      const inboxes = [new Inbox(cp), new Inbox(second)];
      for (const c of [cp, second]) expect(await grantedQos(c, filter)).toBe(1);
      const dev = await device(a1);
      for (const i of [1, 2, 3, 4])
        await dev.publishAsync(topics.heartbeat(a1.identity), `beat-${i}`, { qos: 1 });
      for (const i of [1, 2, 3, 4])
        await Promise.any(inboxes.map((box) => box.next((m) => m.payload === `beat-${i}`)));
      const all = inboxes.flatMap((box) => box.messages.map((m) => m.payload));
      expect(all.sort()).toEqual(["beat-1", "beat-2", "beat-3", "beat-4"]); // each exactly once
    });

    it("ties the client id to the certificate's identity", async () => {
      if (kind === "embedded") {
        for (const clientId of ["something-else", b1.identity, `${a1.identity}:x`])
          expect(
            await refusal(
              connectMqtt(broker.url, platform.pki.caPem, a1, { clientId, protocolVersion }),
            ),
          ).toMatch(/Identifier rejected/i);
        return;
      }
      // Mosquitto (use_username_as_clientid) replaces the client id with the identity: a
      // device claiming another's client id neither fails nor takes over that session...
      const victim = await device(b1);
      const victimInbox = new Inbox(victim);
      await victim.subscribeAsync(topics.desired(b1.identity), { qos: 1 });
      const spoofer = await device(a1, { clientId: b1.identity });
      const cp = await control();
      await cp.publishAsync(topics.desired(b1.identity), "still-there", { qos: 1 });
      await victimInbox.next((m) => m.payload === "still-there");
      expect(victim.connected).toBe(true);
      // ...but it is its own identity: a second connection of a1 takes over the first.
      const closed = new Promise<void>((resolve) => spoofer.once("close", () => resolve()));
      await device(a1, { clientId: "any-other-id" });
      await closed;
    });
  },
);
