// From self-signed org CAs (the first scheme) to intermediates of the platform root, with
// no re-enrollment. Each old CA is cross-signed: an intermediate with the same subject and
// key, issued by the root, so every certificate and CRL the old CA signed verifies against
// it. Its devices get that intermediate as their chain with their next certificate (the
// renewal over the fleet channel, channel/renew.ts) and present it from then on. Until
// then the brokers keep trusting the old CA itself; retireLegacyOrgCas stops that once no
// live certificate of the org predates the migration. Both are idempotent: safe to run twice,
// or in several workers at once. Run by the workers' `fleet.org-cas` sweep.
import type { Db } from "../../../platform/db/client";
import { afterCommit, withScope } from "../../../platform/db/with-tenant";
import { log } from "../../../platform/log/logger";
import { crossSignOrgCa, isSelfSigned } from "../pki/intermediate";
import { announce, rootSigner } from "./org-ca";

const selfSigned = (pem: string) => {
  try {
    return isSelfSigned(pem);
  } catch {
    return false; // unreadable: loadTrust reports it; nothing to migrate
  }
};

/** Cross-signs every org CA that is still self-signed; the org ids migrated. */
export async function migrateLegacyOrgCas(db: Db): Promise<string[]> {
  const rows = await db.fleetTrust.findMany({
    where: { legacyCertPem: null },
    select: { orgId: true, certPem: true },
  });
  const migrated: string[] = [];
  for (const { orgId, certPem } of rows) {
    if (!selfSigned(certPem)) continue;
    try {
      const root = await rootSigner();
      const done = await withScope(db, { orgId }, async (tx) => {
        const ca = await tx.fleetCa.findUnique({ where: { orgId } });
        if (!ca || !selfSigned(ca.certPem)) return false;
        const cross = await crossSignOrgCa(root, ca.certPem);
        // Conditional: of two runs at once, one migrates and the other finds nothing.
        const won = await tx.fleetCa.updateMany({
          where: { orgId, certPem: ca.certPem },
          data: { certPem: cross },
        });
        if (won.count === 0) return false;
        await tx.fleetTrust.update({
          where: { orgId },
          data: { certPem: cross, legacyCertPem: ca.certPem, migratedAt: new Date() },
        });
        await afterCommit(tx, () => announce({ orgId }));
        return true;
      });
      if (done) migrated.push(orgId);
    } catch (error) {
      log.error("org CA not migrated; retried at the next sweep", {
        orgId,
        error: (error as Error).message,
      });
    }
  }
  return migrated;
}

/**
 * Stops trusting the old self-signed CA of each migrated org once every device's current
 * certificate (if live: not revoked, not expired) was issued after the migration, and so
 * came with the new chain, which the agent presents. The org ids retired.
 */
export async function retireLegacyOrgCas(db: Db, now = new Date()): Promise<string[]> {
  const rows = await db.fleetTrust.findMany({
    where: { legacyCertPem: { not: null } },
    select: { orgId: true, legacyCertPem: true, migratedAt: true },
  });
  const retired: string[] = [];
  for (const { orgId, legacyCertPem, migratedAt } of rows) {
    const done = await withScope(db, { orgId }, async (tx) => {
      const current = await tx.device.findMany({
        where: { orgId, certSerial: { not: null }, certNotAfter: { gt: now } },
        select: { certSerial: true },
      });
      const older = await tx.deviceCertificate.count({
        where: {
          orgId,
          serial: { in: current.map((d) => d.certSerial as string) },
          revokedAt: null,
          createdAt: { lte: migratedAt ?? now },
        },
      });
      if (older > 0) return false;
      const cleared = await tx.fleetTrust.updateMany({
        where: { orgId, legacyCertPem },
        data: { legacyCertPem: null },
      });
      if (cleared.count > 0) await afterCommit(tx, () => announce({ orgId }));
      return cleared.count > 0;
    });
    if (done) retired.push(orgId);
  }
  return retired;
}
