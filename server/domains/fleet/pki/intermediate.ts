// Org CAs as intermediates of the platform root: brokers trust the root alone, so a new
// org changes nothing on them. An org's intermediate (pathlen 0) names its org in its
// subject (O=<orgId>) and carries a name constraint that OpenSSL enforces on every
// certificate below it: the subject must start with O=<orgId>, so an org's CA cannot issue
// a certificate for another org's O. The broker also checks that the leaf's CN is a
// device of that org (broker/identity.ts).
// Migration from the first scheme (a self-signed CA per org): crossSignOrgCa issues an
// intermediate with the SAME subject and key as the old CA, so the leaves it signed chain
// to the root without re-enrollment.
import { readFile } from "node:fs/promises";
import { EC_ALG, x509 } from "../../../../protocol/crypto/x509";
import { seal } from "../../../platform/crypto/seal";
import { PkiError } from "./errors";
import {
  type CaMaterial,
  loadSigner,
  newKeyPair,
  parseCert,
  randomSerial,
  type Signer,
  signCrl,
} from "./issue";
import type { PlatformPki } from "./platform";

const YEAR = 365.25 * 86_400_000;
const OID_NAME_CONSTRAINTS = "2.5.29.30";

export const orgCaName = (orgId: string) => `Patronus org ${orgId} CA`;
const orgCaSubject = (orgId: string): x509.JsonName => [{ O: [orgId] }, { CN: [orgCaName(orgId)] }];

/** The platform root as a signer: its key is sealed in FLEET_PKI_DIR (pki/platform.ts). */
export async function platformRoot(pki: PlatformPki, masterKeyHex: string): Promise<Signer> {
  const keyEnc = await readFile(pki.paths.caKey, "utf8");
  return loadSigner(pki.caPem, keyEnc, masterKeyHex);
}

/** The root's path length: one level of org CAs under it, then only leaves. */
export const ROOT_PATH_LENGTH = 1;

/**
 * A root made before org CAs were intermediates has pathlen 0, which forbids them: the same
 * root re-issued (same subject, key and key identifier, so everything it signed still
 * verifies, and agents that pinned the old certificate still accept the broker) with
 * ROOT_PATH_LENGTH. Undefined when the root already allows it.
 */
export async function widenRoot(root: Signer): Promise<string | undefined> {
  const bc = root.cert.getExtension(x509.BasicConstraintsExtension);
  if (bc?.pathLength === undefined || bc.pathLength >= ROOT_PATH_LENGTH) return undefined;
  const ski =
    root.cert.getExtension(x509.SubjectKeyIdentifierExtension) ??
    (await x509.SubjectKeyIdentifierExtension.create(root.cert.publicKey));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: root.cert.subjectName,
    issuer: root.cert.subjectName,
    notBefore: root.cert.notBefore,
    notAfter: root.cert.notAfter,
    publicKey: root.cert.publicKey,
    signingKey: root.key,
    signingAlgorithm: EC_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, ROOT_PATH_LENGTH, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      ski,
    ],
  });
  return cert.toString("pem");
}

export function isSelfSigned(pem: string) {
  const cert = parseCert(pem, "CA certificate");
  return cert.subject === cert.issuer;
}

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return [0x80 | bytes.length, ...bytes];
}
const tlv = (tag: number, body: Uint8Array) =>
  Uint8Array.from([tag, ...derLength(body.length), ...body]);

/**
 * NameConstraints { permittedSubtrees [0] { GeneralSubtree { directoryName [4] O=<orgId> } } }
 * (RFC 5280 4.2.1.10). OpenSSL compares the leading RDNs of each subject below the CA.
 */
export function orgNameConstraints(orgId: string): x509.Extension {
  const name = new Uint8Array(new x509.Name([{ O: [orgId] }]).toArrayBuffer());
  const der = tlv(0x30, tlv(0xa0, tlv(0x30, tlv(0xa4, name))));
  return new x509.Extension(OID_NAME_CONSTRAINTS, true, der);
}

interface IntermediateParams {
  orgId: string;
  /** The old CA's own encoding when cross-signing, so that names compare byte for byte. */
  subject?: x509.Name;
  publicKey: x509.PublicKeyType;
  /** Keeps the old CA's key identifier when cross-signing: its CRLs and leaves name it. */
  ski: x509.SubjectKeyIdentifierExtension;
  notAfter: Date;
}

async function signIntermediate(root: Signer, p: IntermediateParams) {
  const rootSki = root.cert.getExtension(x509.SubjectKeyIdentifierExtension);
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: p.subject ?? orgCaSubject(p.orgId),
    issuer: root.cert.subject,
    notBefore: new Date(Date.now() - 5 * 60_000),
    // Never past the root: OpenSSL would refuse the chain once the root expires anyway.
    notAfter: new Date(Math.min(p.notAfter.getTime(), root.cert.notAfter.getTime())),
    publicKey: p.publicKey,
    signingKey: root.key,
    signingAlgorithm: EC_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      p.ski,
      rootSki
        ? new x509.AuthorityKeyIdentifierExtension(rootSki.keyId)
        : await x509.AuthorityKeyIdentifierExtension.create(root.cert.publicKey),
      orgNameConstraints(p.orgId),
    ],
  });
}

function assertOrgId(orgId: string) {
  if (!/^[a-z0-9]{8,40}$/.test(orgId))
    throw new PkiError(`not an org id: ${JSON.stringify(orgId)}`);
}

/** A new org CA signed by the root, valid 10 years, its key sealed, an empty CRL (number 1). */
export async function createOrgCa(
  orgId: string,
  root: Signer,
  masterKeyHex: string,
): Promise<CaMaterial> {
  assertOrgId(orgId);
  const keys = await newKeyPair();
  const cert = await signIntermediate(root, {
    orgId,
    publicKey: keys.publicKey,
    ski: await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    notAfter: new Date(Date.now() + 10 * YEAR),
  });
  const subtle = globalThis.crypto.subtle;
  const keyEnc = seal(Buffer.from(await subtle.exportKey("pkcs8", keys.privateKey)), masterKeyHex);
  const crlPem = await signCrl({ cert, key: keys.privateKey }, { revoked: [], crlNumber: 1 });
  return { certPem: cert.toString("pem"), keyEnc, crlPem };
}

/**
 * The intermediate that stands in for a self-signed org CA of the first scheme: same
 * subject, key and key identifier, issued by the root. Certificates and CRLs the old CA
 * signed verify against it unchanged.
 */
export async function crossSignOrgCa(root: Signer, legacyCertPem: string): Promise<string> {
  const legacy = parseCert(legacyCertPem, "legacy org CA");
  if (legacy.subject !== legacy.issuer) throw new PkiError("legacy org CA is not self-signed");
  const orgId = legacy.subjectName.getField("O")[0] ?? "";
  assertOrgId(orgId);
  if (legacy.subjectName.getField("CN")[0] !== orgCaName(orgId))
    throw new PkiError(`legacy org CA is not named ${orgCaName(orgId)}`);
  const ski =
    legacy.getExtension(x509.SubjectKeyIdentifierExtension) ??
    (await x509.SubjectKeyIdentifierExtension.create(legacy.publicKey));
  const cert = await signIntermediate(root, {
    orgId,
    subject: legacy.subjectName,
    publicKey: legacy.publicKey,
    ski,
    notAfter: legacy.notAfter,
  });
  return cert.toString("pem");
}
