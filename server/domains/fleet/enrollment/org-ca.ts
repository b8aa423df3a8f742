// The org's certificate authority as the services use it: created on first need (an
// intermediate signed by the platform root), its key unsealed only to sign, its CRL rebuilt
// whenever a certificate is revoked. The public half (certificate + CRL) is mirrored into
// fleet_trust, from which the brokers take the org's revoked serials; they trust the root.

import { x509 } from "../../../../protocol/crypto/x509";
import type { Db, Tx } from "../../../platform/db/client";
import { afterCommit, withScope } from "../../../platform/db/with-tenant";
import { env } from "../../../platform/env";
import { log } from "../../../platform/log/logger";
import { getRedis } from "../../../platform/redis";
import { publishTrustChanged } from "../broker/trust";
import { buildCrl, createOrgCa, signDeviceCsr } from "../pki/ca";
import type { DeviceCsr } from "../pki/device-csr";
import { platformRoot } from "../pki/intermediate";
import type { Signer } from "../pki/issue";
import { ensurePlatformPki } from "../pki/platform";

/**
 * Tells the brokers that an org's trust changed, once committed. Redis being away must not
 * fail the request that already committed: the brokers' periodic resync
 * (workers/fleet-broker.ts) picks the change up from fleet_trust.
 */
export function announce(change: Parameters<typeof publishTrustChanged>[1]) {
  return publishTrustChanged(getRedis(), change).catch((error: Error) =>
    log.warn("trust change not announced; the brokers' resync picks it up", {
      orgId: change.orgId,
      error: error.message,
    }),
  );
}

// The root's key is in FLEET_PKI_DIR, which every process that creates org CAs has (the
// deployment copies the platform CA's two files into each pod: docs/deploy.md). Read once.
let root: Promise<Signer> | undefined;

/** The platform root as a signer, for the processes that create or cross-sign org CAs. */
export function rootSigner(): Promise<Signer> {
  root ??= ensurePlatformPki(env.FLEET_PKI_DIR, env.FLEET_MASTER_KEY)
    .then((pki) => platformRoot(pki, env.FLEET_MASTER_KEY))
    .catch((e) => {
      root = undefined;
      throw e;
    });
  return root;
}

export async function ensureOrgCa(tx: Tx, orgId: string) {
  const existing = await tx.fleetCa.findUnique({ where: { orgId } });
  if (existing) return existing;
  const ca = await createOrgCa(orgId, await rootSigner(), env.FLEET_MASTER_KEY);
  // Two first enrollments at once: one CA wins, the other's is dropped unused.
  await tx.fleetCa.createMany({
    data: [{ orgId, certPem: ca.certPem, keyEnc: ca.keyEnc }],
    skipDuplicates: true,
  });
  const row = await tx.fleetCa.findUniqueOrThrow({ where: { orgId } });
  if (row.certPem === ca.certPem) {
    await tx.fleetTrust.create({ data: { orgId, certPem: ca.certPem, crlPem: ca.crlPem } });
    // The embedded broker trusts the root and finds nothing to change; Mosquitto needs
    // every org's CRL in its crlfile (docs/fleet.md, "Trust").
    await afterCommit(tx, () => announce({ orgId }));
  }
  return row;
}

type OrgCa = { certPem: string; keyEnc: string };

/**
 * Signs a device CSR with the org CA: unsealing the CA key and signing, no database. Done
 * outside any transaction where the caller can (enrollment), so no lock waits on it.
 */
export function signDeviceCert(
  ca: OrgCa,
  csrPem: string,
  identity: string,
  checkedCsr?: DeviceCsr,
) {
  return signDeviceCsr({
    checkedCsr,
    caCertPem: ca.certPem,
    caKeyEnc: ca.keyEnc,
    masterKeyHex: env.FLEET_MASTER_KEY,
    csrPem,
    identity,
    hours: env.FLEET_DEVICE_CERT_HOURS,
  });
}

/** Records a certificate signed by signDeviceCert on the device. */
export async function recordDeviceCert(
  tx: Tx,
  orgId: string,
  deviceId: string,
  cert: Awaited<ReturnType<typeof signDeviceCert>>,
) {
  await tx.deviceCertificate.create({
    data: {
      serial: cert.serial,
      orgId,
      deviceId,
      pem: cert.certPem,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
    },
  });
  await tx.device.update({
    where: { id: deviceId, orgId },
    data: { certSerial: cert.serial, certNotAfter: cert.notAfter },
  });
}

/** Signs a device CSR with the org CA and records the certificate. */
export async function issueDeviceCert(
  tx: Tx,
  orgId: string,
  deviceId: string,
  csrPem: string,
  identity: string,
) {
  const ca = await ensureOrgCa(tx, orgId);
  const cert = await signDeviceCert(ca, csrPem, identity);
  await recordDeviceCert(tx, orgId, deviceId, cert);
  return { ...cert, caPem: ca.certPem };
}

/** Revokes every live certificate of a device and republishes the org's CRL. */
export async function revokeDeviceCerts(tx: Tx, orgId: string, deviceId: string) {
  const live = await tx.deviceCertificate.findMany({
    where: { orgId, deviceId, revokedAt: null },
    select: { serial: true },
  });
  await tx.deviceCertificate.updateMany({
    where: { orgId, deviceId, serial: { in: live.map((c) => c.serial) } },
    data: { revokedAt: new Date() },
  });
  await reissueCrl(
    tx,
    orgId,
    live.map((c) => c.serial),
  );
}

/**
 * Signs a new CRL of the org's revoked, unexpired certificates and tells the broker, naming
 * `revokedNow` (the certificates this change revokes): the brokers check only their
 * sessions. A refresh names none, and no session is checked.
 */
export async function reissueCrl(tx: Tx, orgId: string, revokedNow: string[] = []) {
  const ca = await ensureOrgCa(tx, orgId);
  const revoked = await tx.deviceCertificate.findMany({
    where: { orgId, revokedAt: { not: null }, notAfter: { gt: new Date() } },
    select: { serial: true, revokedAt: true },
  });
  const crlNumber = ca.crlNumber + 1;
  const current = await tx.fleetTrust.findUnique({ where: { orgId } });
  const crlPem = await buildCrl({
    previousCrlPem: current?.crlPem,
    caCertPem: ca.certPem,
    caKeyEnc: ca.keyEnc,
    masterKeyHex: env.FLEET_MASTER_KEY,
    revoked: revoked.map((r) => ({ serial: r.serial, revokedAt: r.revokedAt as Date })),
    crlNumber,
  });
  await tx.fleetCa.update({ where: { orgId }, data: { crlNumber } });
  await tx.fleetTrust.update({ where: { orgId }, data: { crlPem } });
  await afterCommit(tx, () =>
    announce(revokedNow.length > 0 ? { orgId, revokedSerials: revokedNow } : { orgId }),
  );
}

/**
 * CRLs expire (30 days), and an expired CRL makes the broker refuse every device of its
 * org: re-sign those due within a week. Run periodically by the worker.
 */
export async function refreshDueCrls(db: Db, within = 7 * 24 * 3600_000) {
  const rows = await db.fleetTrust.findMany({ select: { orgId: true, crlPem: true } });
  let refreshed = 0;
  for (const row of rows) {
    const due = new x509.X509Crl(row.crlPem).nextUpdate;
    if (due && due.getTime() - Date.now() > within) continue;
    await withScope(db, { orgId: row.orgId }, (tx) => reissueCrl(tx, row.orgId));
    refreshed++;
  }
  return refreshed;
}
