// Org CA signers kept per process: unsealing a CA key (AES-GCM) and parsing its certificate
// once, not on every enrollment. The entry's key is a hash of everything it was made from
// (org, sealed key, certificate, master key), so a rotated CA or master key is a new entry
// and one org's entry can never answer for another org. Bounded: the least recently used
// entry goes when there are more than MAX_SIGNERS.
import { createHash, type KeyObject } from "node:crypto";
import { children, expectTag, oidText, readTlv, TAG, type Tlv } from "./der";
import { PkiError } from "./errors";
import { loadSigner } from "./issue";

const MAX_SIGNERS = 1_000;
const OID_ORG = "2.5.4.10";
const OID_SKI = "2.5.29.14";

export interface OrgSigner {
  /** The org the CA belongs to (its subject's O). */
  orgId: string;
  privateKey: KeyObject;
  /** The CA's subject Name as encoded in its certificate: every leaf's issuer. */
  subjectDer: Buffer;
  /** The CA's subject key identifier: every leaf's authority key identifier. */
  keyId: Buffer;
}

const signers = new Map<string, Promise<OrgSigner>>();

/** The TBSCertificate's fields by name (version [0] present: every CA here is v3). */
function tbsFields(certDer: Buffer) {
  const [tbs] = children(readTlv(certDer));
  const f = children(expectTag(tbs, TAG.SEQUENCE, "TBSCertificate"));
  if (f[0]?.tag !== 0xa0) throw new PkiError("CA certificate is not X.509 v3");
  return { subject: f[5] as Tlv, spki: f[6] as Tlv, extensions: f.find((t) => t.tag === 0xa3) };
}

function orgOf(subject: Tlv): string | undefined {
  for (const rdn of children(subject))
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      if (type && value && oidText(type) === OID_ORG) return value.value.toString("utf8");
    }
  return undefined;
}

/** The CA's SKI, or (as akiOf in issue.ts does without one) SHA-1 of its key's bits. */
function keyIdOf(fields: ReturnType<typeof tbsFields>): Buffer {
  for (const ext of fields.extensions ? children(children(fields.extensions)[0] as Tlv) : []) {
    const parts = children(ext);
    if (oidText(parts[0] as Tlv) === OID_SKI)
      return readTlv((parts[parts.length - 1] as Tlv).value).value;
  }
  const [, bits] = children(fields.spki);
  return createHash("sha1")
    .update((bits as Tlv).value.subarray(1))
    .digest();
}

async function load(caCertPem: string, caKeyEnc: string, masterKeyHex: string) {
  const signer = await loadSigner(caCertPem, caKeyEnc, masterKeyHex);
  const fields = tbsFields(Buffer.from(signer.cert.rawData));
  const orgId = orgOf(fields.subject);
  if (!orgId) throw new PkiError("CA certificate names no org (O)");
  return {
    orgId,
    privateKey: signer.privateKey,
    subjectDer: Buffer.from(fields.subject.raw),
    keyId: Buffer.from(keyIdOf(fields)),
  } satisfies OrgSigner;
}

/**
 * The signer of an org CA, unsealed on first use in this process. The caller checks that
 * the CA is `orgId`'s (signer.orgId): the org is part of the key only so that one org's
 * requests never share an entry with another's.
 */
export function orgSigner(
  orgId: string,
  caCertPem: string,
  caKeyEnc: string,
  masterKeyHex: string,
): Promise<OrgSigner> {
  const hash = createHash("sha256").update(`${masterKeyHex}\0${caKeyEnc}\0${caCertPem}`);
  const key = `${orgId}:${hash.digest("base64")}`;
  let entry = signers.get(key);
  if (entry) {
    signers.delete(key); // re-inserted below: the Map's order is the recency order
  } else {
    entry = load(caCertPem, caKeyEnc, masterKeyHex);
    // A failure is not kept: the next call tries again (and reports its own error).
    entry.catch(() => {
      if (signers.get(key) === entry) signers.delete(key);
    });
  }
  signers.set(key, entry);
  if (signers.size > MAX_SIGNERS) signers.delete(signers.keys().next().value as string);
  return entry;
}

/** How many signers this process holds (tests). */
export const cachedSigners = () => signers.size;
