// Brokers that trust the platform root alone, with org CAs as its intermediates: a device
// presents its chain, one org's CA cannot vouch for another org's device, revocation works
// per org, and a new org needs no new trust anchor. On both brokers.
import { readFile } from "node:fs/promises";
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Trust, trustOf } from "../../../server/domains/fleet/broker/trust";
import {
  forgeCert,
  makeDevice,
  makeOrgIntermediate,
  makePlatform,
  revoke,
  type TestCa,
  type TestDevice,
  type TestPlatform,
} from "../../../testkit/factories/pki";
import { BROKERS, startBroker, type TestBroker } from "../../../testkit/stack/brokers";
import { type Creds, closedByBroker, connectMqtt, refusal } from "../../../testkit/stack/mqtt";

describe.each(BROKERS)("the %s broker under the platform root", (kind) => {
  let platform: TestPlatform;
  let broker: TestBroker;
  let caA: TestCa;
  let caB: TestCa;
  let clients: MqttClient[] = [];

  /**
   * The root, and the org CRLs the broker needs: the embedded broker only those that revoke
   * something; Mosquitto every org's (OpenSSL's CRL check wants one per issuer).
   */
  const rootTrust = (cas: TestCa[]): Trust => {
    const crls = cas.filter((c) => kind === "mosquitto" || c.revoked.length > 0);
    const t = trustOf([{ caPem: platform.pki.caPem, crlPem: platform.pki.crlPem }]);
    return {
      caBundle: t.caBundle,
      crlBundle: [t.crlBundle, ...crls.map((c) => c.crlPem)].join(""),
    };
  };

  beforeAll(async () => {
    platform = await makePlatform();
    [caA, caB] = [await makeOrgIntermediate(platform.pki), await makeOrgIntermediate(platform.pki)];
    broker = await startBroker(kind, platform.pki, rootTrust([caA, caB]));
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    clients = [];
  });
  afterAll(async () => {
    await broker?.stop();
    await platform?.cleanup();
  });

  const attempt = (creds: Creds, clientId: string) =>
    connectMqtt(broker.url, platform.pki.caPem, creds, { clientId }).then((c) => {
      clients.push(c);
      return c;
    });
  /** A device as the agent connects: its certificate followed by its org CA. */
  const device = (d: TestDevice) => attempt({ certPem: d.chainPem, keyPem: d.keyPem }, d.identity);

  it("accepts a device that presents its org CA, and refuses its certificate alone", async () => {
    const d = await makeDevice(caA);
    expect((await device(d)).connected).toBe(true);
    expect(await refusal(attempt({ certPem: d.certPem, keyPem: d.keyPem }, d.identity))).toMatch(
      kind === "mosquitto" ? /alert unknown ca/ : /connection closed before CONNACK/,
    );
  });

  it("refuses a certificate of org B's subject signed by org A's CA (name constraint)", async () => {
    const b1 = await makeDevice(caB);
    const forged = await forgeCert(caA, b1.identity, caB.orgId);
    // OpenSSL refuses it in the handshake, whichever broker.
    expect(await refusal(attempt(forged, b1.identity))).toMatch(
      kind === "mosquitto" ? /alert/ : /connection closed before CONNACK/,
    );
  });

  if (kind === "embedded") {
    it("refuses org B's identity in a certificate of org A's subject (the broker's own check)", async () => {
      const b1 = await makeDevice(caB);
      // Within A's name constraint (O=A), but the CN names a device of B.
      const forged = await forgeCert(caA, b1.identity, caA.orgId);
      expect(await refusal(attempt(forged, b1.identity))).toMatch(/Not authorized/i);
      expect((await device(b1)).connected).toBe(true);
    });
  }

  it("drops and refuses a revoked device, through its org's CRL; other orgs' devices stay", async () => {
    const [victim, a2, b1] = [await makeDevice(caA), await makeDevice(caA), await makeDevice(caB)];
    const conns = [await device(victim), await device(a2), await device(b1)];
    await revoke(caA, victim);
    await broker.setTrust(rootTrust([caA, caB]), [victim.identity]);
    await closedByBroker(conns[0] as MqttClient);
    expect(await refusal(device(victim))).toMatch(
      kind === "mosquitto" ? /alert certificate revoked/ : /connection closed before CONNACK/,
    );
    expect(conns[1]?.connected && conns[2]?.connected).toBe(true);
    expect((await device(await makeDevice(caA))).connected).toBe(true);
  });

  it("needs no new trust anchor for a new org", async () => {
    const caC = await makeOrgIntermediate(platform.pki);
    const c1 = await makeDevice(caC);
    if (kind === "embedded") {
      // Nothing at all changes on the embedded broker: its device just connects.
      expect((await device(c1)).connected).toBe(true);
      return;
    }
    // Mosquitto: the CA file stays as it was; only the CRL file gains the org's CRL.
    const dir = broker.mosquitto?.dir as string;
    const caFile = await readFile(`${dir}/ca.pem`, "utf8");
    expect(await refusal(device(c1))).toMatch(/alert/); // no CRL for its CA yet
    await broker.setTrust(rootTrust([caA, caB, caC]));
    expect(await readFile(`${dir}/ca.pem`, "utf8")).toBe(caFile);
    expect((await device(c1)).connected).toBe(true);
  });
});
