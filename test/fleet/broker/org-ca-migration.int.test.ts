// Org CAs under the platform root, end to end on the embedded broker with real enrollment
// and real agents: a new org changes nothing in the brokers' trust; an org enrolled under
// the first scheme (a self-signed org CA) is migrated without re-enrollment: its devices
// keep connecting with their old certificates, get the new chain with their next one, and
// revocation keeps working.
import { describe, expect, it } from "vitest";
import { x509 } from "../../../protocol/crypto/x509";
import { loadTrust } from "../../../server/domains/fleet/broker/trust";
import {
  migrateLegacyOrgCas,
  retireLegacyOrgCas,
} from "../../../server/domains/fleet/enrollment/migrate-org-cas";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { Cleanups } from "../../../testkit/cleanups";
import { devicesOf } from "../../../testkit/factories/fleet";
import { writeLegacyOrgCa } from "../../../testkit/factories/fleet-db";
import { createTenant, enrollBoxes } from "../../../testkit/factories/tenant";
import { startAgent } from "../../../testkit/stack/agents";
import { useFleetStack } from "../../../testkit/stack/fleet-stack";
import { type Creds, connectMqtt, deviceCreds, refusal } from "../../../testkit/stack/mqtt";
import { until } from "../../../testkit/wait";

const cleanups = new Cleanups();
const stack = useFleetStack({ kind: "embedded", cleanups });
const db = getDb();

const connectAs = (identity: string, creds: Creds) =>
  connectMqtt(stack.broker.url, stack.platform.caPem, creds, { clientId: identity });

/** What the embedded broker and Mosquitto would be given now. */
const trustNow = async () => {
  const { skipped: _e, ...embedded } = await loadTrust(db, stack.platform);
  const { skipped: _m, ...mosquitto } = await loadTrust(db, stack.platform, { everyCrl: true });
  return { embedded, mosquitto };
};

const certRows = (orgId: string) =>
  withScope(db, { orgId }, (tx) =>
    tx.deviceCertificate.findMany({ where: { orgId }, orderBy: { createdAt: "asc" } }),
  );

describe("org CAs under the platform root", () => {
  it("a new org, its enrollment and its device's connection add nothing to the brokers' trust", async () => {
    const tenant = await createTenant(); // its first site makes its CA
    const [box] = await enrollBoxes(stack, tenant, 1, cleanups);
    // The agent presents its org CA after its certificate (edge-agent transport.ts).
    const agent = await startAgent(box!, cleanups);
    await until("the agent to apply its desired state", () => agent.appliedRevisions().length > 0);
    const ca = new x509.X509Certificate(box!.credentials.caPem);
    expect(ca.issuer).toBe(new x509.X509Certificate(stack.platform.caPem).subject);

    // Other test files change the database meanwhile: what matters is that this org adds
    // nothing. The embedded broker gets neither its CA nor its CRL, so the fleet process
    // (workers/fleet-broker.ts) finds the trust unchanged and applies nothing; Mosquitto's
    // CA file is unchanged too, and its CRL file gains the org's CRL (docs/fleet.md).
    const row = await db.fleetTrust.findUniqueOrThrow({ where: { orgId: tenant.orgId } });
    const body = (pem: string) => pem.split("\n").slice(1, -2).join("\n");
    const { embedded, mosquitto } = await trustNow();
    expect(embedded.caBundle).not.toContain(body(row.certPem));
    expect(embedded.crlBundle).not.toContain(body(row.crlPem));
    expect(mosquitto.caBundle).not.toContain(body(row.certPem));
    expect(mosquitto.crlBundle).toContain(body(row.crlPem));
  });

  it("migrates an org of self-signed CA without re-enrollment; revocation keeps working", async () => {
    const tenant = await createTenant();
    const legacy = await writeLegacyOrgCa(tenant.orgId);
    const [box, other] = await enrollBoxes(stack, tenant, 2, cleanups);
    expect(box!.credentials.caPem.trim()).toBe(legacy.certPem.trim()); // the old shape
    await stack.broker.setTrust((await trustNow()).embedded);
    const second = await startAgent(other!, cleanups); // runs through the migration
    const oldLeaf = deviceCreds(box!.credentials); // the leaf alone: its CA is self-signed
    const oldCerts = await certRows(tenant.orgId);

    expect(await migrateLegacyOrgCas(db)).toContain(tenant.orgId);
    expect(await migrateLegacyOrgCas(db)).not.toContain(tenant.orgId); // idempotent
    const trust = (await trustNow()).embedded;
    expect(trust.caBundle).toContain(legacy.certPem.split("\n")[1]); // still an anchor
    await stack.broker.setTrust(trust);
    expect(second.agent.connected).toBe(true);
    // The old certificate still connects, as it is and with the new chain.
    const twin = await withScope(db, { orgId: tenant.orgId }, (tx) =>
      tx.fleetCa.findUniqueOrThrow({ where: { orgId: tenant.orgId } }),
    );
    const oldWithChain = { ...oldLeaf, certPem: `${oldLeaf.certPem.trim()}\n${twin.certPem}` };
    for (const creds of [oldLeaf, oldWithChain])
      await (await connectAs(box!.identity.identity, creds)).endAsync(true);
    // Not retired while a device's current certificate predates the migration.
    expect(await retireLegacyOrgCas(db)).not.toContain(tenant.orgId);
    const running = await startAgent(box!, cleanups); // with its old certificate

    // The devices' next certificates (renewal over the channel) come with the new chain.
    for (const a of [running, second]) {
      // Subscribed (its desired state arrived), so the answer to its CSR reaches it.
      await until("the agent to apply its desired state", () => a.appliedRevisions().length > 0);
      await a.agent.renew();
      expect(a.log.entries.map((e) => e.msg)).toContain("certificate renewed");
      await until("the renewed agent to reconnect", () => a.agent.connected);
    }
    expect(await retireLegacyOrgCas(db)).toContain(tenant.orgId);
    const retired = (await trustNow()).embedded;
    expect(retired.caBundle).not.toContain(legacy.certPem.split("\n")[1]);
    await stack.broker.setTrust(retired);
    // The agents, presenting their chains, were not dropped.
    expect(running.agent.connected && second.agent.connected).toBe(true);

    // Without the old anchor: the old leaf alone is refused, with the chain it still works.
    // (Same client id as the running agent: the broker hands its session over; the agent
    // reconnects.)
    expect(await refusal(connectAs(box!.identity.identity, oldLeaf))).toMatch(/closed/);
    await (await connectAs(box!.identity.identity, oldWithChain)).endAsync(true);
    await until("the agent to reconnect", () => running.agent.connected);

    // Revocation through the org's CRL (signed by the same key) drops and refuses both.
    await tenant.caller.device.revoke({ orgSlug: tenant.slug, deviceId: box!.identity.deviceId });
    await until("the broker to drop the revoked box", () => !running.agent.connected);
    expect(await refusal(connectAs(box!.identity.identity, oldWithChain))).toMatch(/closed/);
    expect(second.agent.connected).toBe(true);

    // No re-enrollment: the same two devices, their certificates only renewed.
    const devices = await devicesOf(tenant.orgId);
    expect(devices.map((d) => d.id).sort()).toEqual(
      [box!.identity.deviceId, other!.identity.deviceId].sort(),
    );
    const certs = await certRows(tenant.orgId);
    expect(certs.slice(0, oldCerts.length).map((c) => c.serial)).toEqual(
      oldCerts.map((c) => c.serial),
    );
    expect(certs).toHaveLength(oldCerts.length + 2);
  });
});
