// Trust changes on the embedded broker look only at the sessions they concern: revoking one
// device among many connected checks that device's session alone and drops it, a CRL
// re-signed with nothing new checks none, and a removed CA checks (and drops) its own
// devices' sessions, in chunks, leaving every other org's alone. The figures are printed.
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedBroker } from "../../../server/domains/fleet/broker/embedded";
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
import {
  closedByBroker,
  connectMqtt,
  controlClientId,
  controlCreds,
} from "../../../testkit/stack/mqtt";

/** Devices per org; three orgs. */
const PER_ORG = 100;

let platform: TestPlatform;
let broker: Awaited<ReturnType<typeof startEmbeddedBroker>>;
let cas: TestCa[];
const devices = new Map<TestCa, TestDevice[]>();
const clients = new Map<string, MqttClient>();
let control: MqttClient;

beforeAll(async () => {
  platform = await makePlatform();
  cas = [await makeOrgCa(), await makeOrgCa(), await makeOrgCa()];
  broker = await startEmbeddedBroker({
    ...trustFor(platform.pki, cas),
    serverCertPem: platform.pki.brokerCertPem,
    serverKeyPem: platform.pki.brokerKeyPem,
  });
  for (const ca of cas) {
    const made: TestDevice[] = [];
    for (let i = 0; i < PER_ORG; i++) made.push(await makeDevice(ca));
    devices.set(ca, made);
  }
  const all = [...devices.values()].flat();
  for (let i = 0; i < all.length; i += 50)
    await Promise.all(
      all.slice(i, i + 50).map(async (d) => {
        const client = await connectMqtt(broker.url, platform.pki.caPem, d, {
          clientId: d.identity,
        });
        clients.set(d.identity, client);
      }),
    );
  control = await connectMqtt(broker.url, platform.pki.caPem, controlCreds(platform.pki), {
    clientId: controlClientId(),
  });
}, 120_000);

afterAll(async () => {
  await Promise.all([...clients.values(), control].map((c) => c?.endAsync(true)));
  await broker?.close();
  await platform?.cleanup();
});

const connected = () => [...clients.values()].filter((c) => c.connected).length;

/** updateTrust, timed. */
async function apply(label: string, list: TestCa[]) {
  const started = performance.now();
  const result = await broker.updateTrust(trustFor(platform.pki, list));
  const ms = performance.now() - started;
  console.log(
    `${label}: ${broker.sessions} sessions open before, checked ${result.checked}, disconnected ${result.disconnected}, ${ms.toFixed(1)} ms`,
  );
  return result;
}

describe("incremental trust on the embedded broker", () => {
  it("revoking one device among many checks and drops that device's session only", async () => {
    const [caA] = cas as [TestCa];
    const victim = devices.get(caA)?.[7] as TestDevice;
    expect(connected()).toBe(3 * PER_ORG);
    await revoke(caA, victim);
    const result = await apply("revoke 1 device", cas);
    expect(result).toEqual({ checked: 1, disconnected: 1 });
    await closedByBroker(clients.get(victim.identity) as MqttClient);
    expect(connected()).toBe(3 * PER_ORG - 1);
    expect(control.connected).toBe(true);
  });

  it("a CRL re-signed with no new revocation checks no session", async () => {
    const caB = cas[1] as TestCa;
    await revoke(caB); // a new CRL number, the same (empty) list
    expect(await apply("CRL refresh", cas)).toEqual({ checked: 0, disconnected: 0 });
    expect(connected()).toBe(3 * PER_ORG - 1);
  });

  it("a removed CA checks its own devices' sessions and drops them, other orgs untouched", async () => {
    const [caA, caB, caC] = cas as [TestCa, TestCa, TestCa];
    const result = await apply("remove 1 org CA", [caA, caB]);
    expect(result).toEqual({ checked: PER_ORG, disconnected: PER_ORG });
    await Promise.all(
      (devices.get(caC) ?? []).map((d) => closedByBroker(clients.get(d.identity) as MqttClient)),
    );
    for (const ca of [caA, caB])
      expect((devices.get(ca) ?? []).filter((d) => clients.get(d.identity)?.connected).length).toBe(
        ca === caA ? PER_ORG - 1 : PER_ORG,
      );
    expect(control.connected).toBe(true);
  });
});
