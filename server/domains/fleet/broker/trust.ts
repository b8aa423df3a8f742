// What the broker trusts: the platform CA plus every org CA (fleet_trust, a table without
// row-level security, read by the app role through its grants), each with its CRL, since
// CRL checking is on for every CA. Changes are announced on Redis pub/sub so that the
// fleet process re-applies them at once.

import { z } from "zod";
import { x509 } from "../../../../protocol/crypto/x509";
import { zText } from "../../../../protocol/text";
import { deviceIdentity } from "../../../../protocol/topics";
import type { Db } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import { type RedisClient, redisKey } from "../../../platform/redis";
import { redisChannel } from "../../../platform/redis-channel";
import { normalizeSerial, pemOf } from "../pki/issue";

export interface Trust {
  /** PEM certificates of every trusted CA, concatenated. */
  caBundle: string;
  /** PEM CRLs, one per CA in caBundle. */
  crlBundle: string;
}

export interface TrustSource {
  caPem: string;
  crlPem: string;
}

/**
 * Checks a CA/CRL pair and re-encodes it; a bad pair would break the whole bundle, so it
 * is left out. An expired CRL fails every handshake of its CA anyway: left out, and said.
 */
async function checked({ caPem, crlPem }: TrustSource): Promise<TrustSource | string> {
  let ca: x509.X509Certificate;
  let crl: x509.X509Crl;
  try {
    ca = new x509.X509Certificate(caPem);
    crl = new x509.X509Crl(crlPem);
  } catch {
    return "certificate or CRL is not valid PEM";
  }
  if (crl.issuer !== ca.subject) return "CRL issuer is not the CA";
  if (!(await crl.verify({ publicKey: ca.publicKey }))) return "CRL signature does not verify";
  if (crl.nextUpdate && crl.nextUpdate.getTime() < Date.now())
    return `CRL expired on ${crl.nextUpdate.toISOString()}: sign a new one`;
  // OpenSSL reads only the "X509 CRL" label.
  return { caPem: ca.toString("pem"), crlPem: pemOf("X509 CRL", crl.rawData) };
}

export function trustOf(sources: TrustSource[]): Trust {
  const join = (pems: string[]) => pems.map((p) => `${p.trim()}\n`).join("");
  return {
    caBundle: join(sources.map((s) => s.caPem)),
    crlBundle: join(sources.map((s) => s.crlPem)),
  };
}

/** The platform CA and every org CA. Rows that do not parse are skipped and reported. */
export async function loadTrust(
  db: Db,
  platform: TrustSource,
): Promise<Trust & { skipped: { orgId: string; reason: string }[] }> {
  const rows = await db.fleetTrust.findMany({ orderBy: { orgId: "asc" } });
  const sources: TrustSource[] = [platform];
  const skipped: { orgId: string; reason: string }[] = [];
  for (const row of rows) {
    const result = await checked({ caPem: row.certPem, crlPem: row.crlPem });
    if (typeof result === "string") skipped.push({ orgId: row.orgId, reason: result });
    else sources.push(result);
  }
  return { ...trustOf(sources), skipped };
}

/** Identities `<orgId>.<deviceId>` holding the given certificate serials of one org. */
export async function identitiesOfSerials(db: Db, orgId: string, serials: string[]) {
  if (serials.length === 0) return [];
  const wanted = serials.map(normalizeSerial);
  const rows = await withScope(db, { orgId }, (tx) =>
    tx.deviceCertificate.findMany({
      where: { orgId, serial: { in: wanted } },
      select: { deviceId: true },
    }),
  );
  return [...new Set(rows.map((r) => deviceIdentity(orgId, r.deviceId)))];
}

const ZTrustChanged = z.object({
  orgId: zText().min(1),
  /**
   * The certificates this change revokes (not every revoked one of the org): a broker
   * looks at the sessions of these alone, so revoking one device costs one device's check.
   */
  revokedSerials: z.array(zText()).optional(),
});
export type TrustChanged = z.infer<typeof ZTrustChanged>;

/**
 * Tells every broker process that an org's trust changed. Announcements may arrive out of
 * order (on a Redis Cluster two publishes can enter through different nodes), or not at all
 * (a process that was restarting): a subscriber re-reads the trust from the database for
 * each, and the brokers' periodic resync catches up with a missed one.
 */
const trustChannel = redisChannel(() => redisKey("fleet:trust"), ZTrustChanged, "trust change");

export const publishTrustChanged = (redis: RedisClient, change: TrustChanged) =>
  trustChannel.publish(redis, change);

export const subscribeTrustChanged = trustChannel.subscribe;

const pemBlocks = (bundle: string) =>
  (bundle.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? []).map((b) =>
    b.replace(/\s+/g, ""),
  );

/** How many CAs of `before` are gone from `after`: a broker must restart to forget them. */
export function removedCaCount(before: string, after: string): number {
  const now = new Set(pemBlocks(after));
  return pemBlocks(before).filter((b) => !now.has(b)).length;
}
