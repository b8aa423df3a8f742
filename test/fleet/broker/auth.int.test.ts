// Who may connect, on both brokers: only certificates of a trusted CA, unexpired and not
// revoked; a revocation or a removed CA takes effect on connections already open.
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CONTROL_PLANE_IDENTITY, topics } from "../../../protocol/topics";
import {
  expiredValidity,
  forgeCert,
  makeDevice,
  makeOrgCa,
  makePlatform,
  revoke,
  type TestCa,
  type TestDevice,
  type TestPlatform,
  trustFor,
} from "../../../testkit/factories/pki";
import { BROKERS, startBroker, type TestBroker } from "../../../testkit/stack/brokers";
import {
  type ConnectOptions,
  type Creds,
  closedByBroker,
  connectMqtt,
  controlClientId,
  controlCreds,
  Inbox,
  refusal,
} from "../../../testkit/stack/mqtt";

describe.each(BROKERS)("who may connect to the %s broker", (kind) => {
  let platform: TestPlatform;
  let broker: TestBroker;
  let caA: TestCa;
  let caB: TestCa;
  let clients: MqttClient[] = [];

  beforeAll(async () => {
    platform = await makePlatform();
    [caA, caB] = [await makeOrgCa(), await makeOrgCa()];
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

  // Mosquitto answers a bad certificate with a TLS alert naming the reason; Node's TLS
  // server (embedded) checks the chain after the handshake and just closes the socket.
  const refused = (alert: string) =>
    kind === "mosquitto" ? new RegExp(`alert ${alert}`) : /connection closed before CONNACK/;

  const attempt = (creds: Creds | null, clientId: string, opts: ConnectOptions = {}) =>
    connectMqtt(broker.url, platform.pki.caPem, creds, { clientId, ...opts }).then((c) => {
      clients.push(c);
      return c;
    });
  const device = (d: TestDevice) => attempt(d, d.identity);
  const control = async () => {
    const c = await connectMqtt(broker.controlUrl, platform.pki.caPem, controlCreds(platform.pki), {
      clientId: controlClientId(),
    });
    clients.push(c);
    return c;
  };

  it("accepts a device of a trusted org", async () => {
    expect((await device(await makeDevice(caA))).connected).toBe(true);
  });

  it("refuses a client without a certificate, or with one of a foreign CA", async () => {
    const d = await makeDevice(caA);
    expect(await refusal(attempt(null, d.identity))).toMatch(/alert certificate required/);
    const foreign = await makeDevice(await makeOrgCa());
    expect(await refusal(device(foreign))).toMatch(refused("unknown ca"));
  });

  it("refuses an expired certificate", async () => {
    const expired = await makeDevice(caA, { validity: expiredValidity() });
    expect(await refusal(device(expired))).toMatch(refused("certificate expired"));
  });

  it("drops a device at once when its certificate is revoked, and refuses it from then on", async () => {
    const [victim, sibling] = [await makeDevice(caA), await makeDevice(caA)];
    const conn = await device(victim);
    const siblingConn = await device(sibling);
    const siblingInbox = new Inbox(siblingConn);
    await siblingConn.subscribeAsync(topics.desired(sibling.identity), { qos: 1 });

    await revoke(caA, victim);
    await broker.setTrust(trustFor(platform.pki, [caA, caB]), [victim.identity]);
    await closedByBroker(conn);
    expect(await refusal(device(victim))).toMatch(refused("certificate revoked"));

    // Its org's other devices are untouched.
    const cp = await control();
    await cp.publishAsync(topics.desired(sibling.identity), "still-served", { qos: 1 });
    await siblingInbox.next((m) => m.payload === "still-served");
    expect(siblingConn.connected).toBe(true);
  });

  it("trusts a new org's CA after a trust update, and forgets a removed one", async () => {
    const caC = await makeOrgCa();
    const c1 = await makeDevice(caC);
    expect(await refusal(device(c1))).toMatch(refused("unknown ca"));

    await broker.setTrust(trustFor(platform.pki, [caA, caB, caC]));
    const conn = await device(c1);

    await broker.setTrust(trustFor(platform.pki, [caA, caB]));
    await closedByBroker(conn);
    expect(await refusal(device(c1))).toMatch(refused("unknown ca"));
    expect((await device(await makeDevice(caB))).connected).toBe(true);
  });

  if (kind === "embedded") {
    it("refuses a certificate whose identity its CA may not vouch for", async () => {
      // Only the org's own CA may name its devices, only the platform CA the control plane.
      const b1 = await makeDevice(caB);
      const crossOrg = await forgeCert(caA, b1.identity);
      expect(await refusal(attempt(crossOrg, b1.identity))).toMatch(/Not authorized/i);
      const fakeControl = await forgeCert(caA, CONTROL_PLANE_IDENTITY);
      expect(await refusal(attempt(fakeControl, controlClientId()))).toMatch(/Not authorized/i);
      const noIdentity = await forgeCert(caA, "not-an-identity");
      expect(await refusal(attempt(noIdentity, "not-an-identity"))).toMatch(/Not authorized/i);
    });

    it("speaks MQTT 3.1.1 only (Aedes): an MQTT 5 client is refused", async () => {
      const d = await makeDevice(caA);
      expect(await refusal(attempt(d, d.identity, { protocolVersion: 5 }))).toMatch(/protocol/i);
    });
  }
});
