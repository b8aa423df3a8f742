// What the brokers trust: the platform root, under which every org CA is an intermediate
// (pki/intermediate.ts), and the org CAs' revocations, from fleet_trust (a table without
// row-level security, read by the app role through its grants). A new org adds nothing
// here: its CA chains to the root, and its CRL is empty. The old self-signed org CAs of the
// first scheme stay trusted anchors until retired (enrollment/migrate-org-cas.ts). Changes
// are announced on Redis pub/sub so that the fleet process re-applies them at once.

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
  /** PEM certificates of the trust anchors: the root, and old org CAs not yet retired. */
  caBundle: string;
  /**
   * PEM CRLs whose revocations the broker enforces: the root's, and those of the orgs that
   * have revoked certificates (or, with everyCrl, of every org).
   */
  crlBundle: string;
}

export interface LoadTrustOptions {
  /**
   * Every org's CRL, as Mosquitto needs: OpenSSL's CRL check (which Mosquitto turns on
   * with a crlfile) refuses a certificate whose issuer has no CRL. The embedded broker
   * checks revocation itself and needs only the CRLs that revoke something.
   */
  everyCrl?: boolean;
}

export interface TrustSource {
  caPem: string;
  crlPem: string;
}

type Checked =
  | (TrustSource & { revokes: boolean; selfSigned: boolean; nextUpdate?: Date })
  | string;

/**
 * Checks a CA/CRL pair and re-encodes it; a bad pair would break the whole bundle, so it
 * is left out.
 */
async function check({ caPem, crlPem }: TrustSource): Promise<Checked> {
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
  // OpenSSL reads only the "X509 CRL" label.
  return {
    caPem: ca.toString("pem"),
    crlPem: pemOf("X509 CRL", crl.rawData),
    revokes: crl.entries.length > 0,
    selfSigned: ca.subject === ca.issuer,
    ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate } : {}),
  };
}

/**
 * Pairs checked by the last read, by their PEMs: a re-read (every trust change, every
 * resync) verifies only the CRLs that changed since, not one signature per org.
 */
let checkedPairs = new Map<string, Promise<Checked>>();

/** A cold start: the next read checks every pair (bench/fleet/trust-load.ts compares). */
export function forgetCheckedPairs() {
  checkedPairs = new Map();
}

export function trustOf(sources: TrustSource[]): Trust {
  const join = (pems: string[]) => pems.map((p) => `${p.trim()}\n`).join("");
  return {
    caBundle: join(sources.map((s) => s.caPem)),
    crlBundle: join(sources.map((s) => s.crlPem)),
  };
}

/** A checked pair, or why the broker cannot use it. */
function usable(result: Checked, everyCrl: boolean | undefined) {
  if (typeof result === "string") return result;
  // An expired CRL fails every handshake of its CA in OpenSSL anyway: left out, and said.
  // The embedded broker reads the revocations itself, and an expired list of ours still
  // revokes what it lists.
  if (everyCrl && result.nextUpdate && result.nextUpdate.getTime() < Date.now())
    return `CRL expired on ${result.nextUpdate.toISOString()}: sign a new one`;
  return result;
}

/** The root, the legacy anchors and the CRLs. Rows that do not parse are skipped and reported. */
export async function loadTrust(
  db: Db,
  platform: TrustSource,
  opts: LoadTrustOptions = {},
): Promise<Trust & { skipped: { orgId: string; reason: string }[] }> {
  const rows = await db.fleetTrust.findMany({ orderBy: { orgId: "asc" } });
  const cas = [platform.caPem];
  const crls = [platform.crlPem];
  const skipped: { orgId: string; reason: string }[] = [];
  const pairs = new Map<string, Promise<Checked>>();
  for (const row of rows) {
    const key = `${row.certPem}\n${row.crlPem}`;
    const pending =
      pairs.get(key) ?? checkedPairs.get(key) ?? check({ caPem: row.certPem, crlPem: row.crlPem });
    pairs.set(key, pending);
    const result = usable(await pending, opts.everyCrl);
    if (typeof result === "string") {
      skipped.push({ orgId: row.orgId, reason: result });
      continue;
    }
    // An org CA still self-signed (not migrated), or the old CA a migration keeps trusted.
    const anchor = row.legacyCertPem ?? (result.selfSigned ? result.caPem : undefined);
    if (anchor) cas.push(anchor);
    if (opts.everyCrl || result.revokes) crls.push(result.crlPem);
  }
  checkedPairs = pairs;
  const join = (pems: string[]) => pems.map((p) => `${p.trim()}\n`).join("");
  return { caBundle: join(cas), crlBundle: join(crls), skipped };
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
