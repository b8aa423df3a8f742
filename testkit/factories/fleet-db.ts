// Database rows the fleet broker reads: an org with its CA in fleet_trust, and devices
// with certificate rows (for revocation by serial). Written through the app role, inside
// the org's row-level-security scope, as the services do.
import { randomBytes } from "node:crypto";
import type { PlatformPki } from "../../server/domains/fleet/pki/platform";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { env } from "../../server/platform/env";
import { makeDevice, makeOrgCa, makeOrgIntermediate, type TestCa, type TestDevice } from "./pki";

/** An org with a site and a CA: self-signed (the first scheme), or under `root`. */
export async function createOrgWithCa(root?: PlatformPki): Promise<TestCa & { siteId: string }> {
  const slug = `fleet-${randomBytes(4).toString("hex")}`;
  const org = await getDb().organization.create({ data: { name: `Org ${slug}`, slug } });
  const ca = root ? await makeOrgIntermediate(root, org.id) : await makeOrgCa(org.id);
  const site = await withScope(getDb(), { orgId: org.id }, (tx) =>
    tx.site.create({ data: { orgId: org.id, name: "HQ", settings: {} } }),
  );
  return { ...ca, siteId: site.id };
}

export async function publishCa(ca: TestCa) {
  await getDb().fleetTrust.upsert({
    where: { orgId: ca.orgId },
    create: { orgId: ca.orgId, certPem: ca.certPem, crlPem: ca.crlPem },
    update: { certPem: ca.certPem, crlPem: ca.crlPem },
  });
}

/** A device row, its certificate, and the certificate's row. */
export async function createDeviceWithCert(ca: TestCa & { siteId: string }): Promise<TestDevice> {
  const db = getDb();
  const row = await withScope(db, { orgId: ca.orgId }, (tx) =>
    tx.device.create({
      data: { orgId: ca.orgId, siteId: ca.siteId, hostname: "box", status: "active" },
    }),
  );
  const device = await makeDevice(ca, { deviceId: row.id });
  await withScope(db, { orgId: ca.orgId }, (tx) =>
    tx.deviceCertificate.create({
      data: {
        serial: device.serial,
        orgId: ca.orgId,
        deviceId: row.id,
        pem: device.certPem,
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 3_600_000),
      },
    }),
  );
  return device;
}

export interface DeviceRow {
  hostname: string;
  status?: "pending" | "active" | "rejected" | "revoked";
  online?: boolean;
  /** A pending device's certificate request (approving it signs one). */
  pendingCsr?: string;
}

/** Device rows in a site, as enrollment leaves them (no agent, no broker); their ids in order. */
export async function createDeviceRows(orgId: string, siteId: string, rows: DeviceRow[]) {
  return withScope(getDb(), { orgId }, async (tx) => {
    const ids: string[] = [];
    for (const r of rows) {
      const d = await tx.device.create({
        data: {
          orgId,
          siteId,
          hostname: r.hostname,
          status: r.status ?? "active",
          online: r.online ?? false,
          pendingCsr: r.pendingCsr,
        },
      });
      ids.push(d.id);
    }
    return ids;
  });
}

/** `count` quarantined messages of a device, with the alert that tells the operator. */
export async function quarantineMessages(orgId: string, deviceId: string, count: number) {
  await withScope(getDb(), { orgId }, async (tx) => {
    for (let i = 0; i < count; i++)
      await tx.deviceDeadLetter.create({
        data: {
          orgId,
          deviceId,
          channel: "telemetry/overlay",
          reason: "refused",
          error: `bad message ${i}`,
          digest: randomBytes(16).toString("hex"),
          payload: Buffer.from(`{"n":${i}}`),
          size: 8,
          lastAt: new Date(Date.now() - (count - i) * 1000),
        },
      });
    await tx.deviceAlert.create({
      data: { orgId, deviceId, kind: "quarantined_messages", detail: {}, count },
    });
  });
}

/**
 * Puts an org's CA back in the shape of the first scheme: a self-signed org CA (its key
 * sealed with the server's master key) in fleet_ca and fleet_trust, as ensureOrgCa made it
 * before org CAs were intermediates of the platform root. Devices enrolled afterwards get
 * leaves of it, as they did then.
 */
export async function writeLegacyOrgCa(orgId: string) {
  const ca = await makeOrgCa(orgId, env.FLEET_MASTER_KEY);
  const { certPem, keyEnc, crlPem } = ca;
  await withScope(getDb(), { orgId }, async (tx) => {
    await tx.fleetCa.upsert({
      where: { orgId },
      create: { orgId, certPem, keyEnc },
      update: { certPem, keyEnc, crlNumber: 1 },
    });
    await tx.fleetTrust.upsert({
      where: { orgId },
      create: { orgId, certPem, crlPem },
      update: { certPem, crlPem, legacyCertPem: null, migratedAt: null },
    });
  });
  return ca;
}
