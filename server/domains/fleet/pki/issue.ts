// Low-level issuing shared by the org CAs (ca.ts) and the platform PKI (platform.ts): new
// CAs with sealed keys, leaf certificates, CRLs. Every key is ECDSA P-256, every signature
// SHA-256. A CA's private key exists in clear only in memory, as a non-extractable CryptoKey.
import { createPrivateKey, createPublicKey, type KeyObject, randomBytes } from "node:crypto";
import { EC_ALG, x509 } from "../../../../protocol/crypto/x509";
import { seal, unseal } from "../../../platform/crypto/seal";
import { PkiError } from "./errors";

const subtle = globalThis.crypto.subtle;
const HOUR = 3_600_000;
const OID_CRL_NUMBER = "2.5.29.20";

export interface Signer {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

export interface CaMaterial {
  certPem: string;
  keyEnc: string;
  crlPem: string;
}

/** Lowercase hex without leading zeros: how serials are compared everywhere. */
export const normalizeSerial = (hex: string) => hex.toLowerCase().replace(/^(00)+(?=.)/, "") || "0";

/** 16 random bytes, first byte 0x40–0x7f: positive, and no leading zero to strip. */
export function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = ((b[0] as number) & 0x3f) | 0x40;
  return b.toString("hex");
}

export function parseCert(pem: string, what = "certificate"): x509.X509Certificate {
  try {
    return new x509.X509Certificate(pem);
  } catch {
    throw new PkiError(`${what} is not a valid PEM X.509 certificate`);
  }
}

export function pemOf(label: string, der: ArrayBuffer | Buffer): string {
  const b64 = Buffer.from(der as ArrayBuffer).toString("base64");
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)?.join("\n")}\n-----END ${label}-----\n`;
}

export const newKeyPair = () =>
  subtle.generateKey(EC_ALG, true, ["sign", "verify"]) as Promise<CryptoKeyPair>;

export async function exportKeyPem(key: CryptoKey): Promise<string> {
  return pemOf("PRIVATE KEY", await subtle.exportKey("pkcs8", key));
}

/** Unseals a CA key and checks that it belongs to the CA certificate. */
export async function loadSigner(caCertPem: string, caKeyEnc: string, masterKeyHex: string) {
  const cert = parseCert(caCertPem, "CA certificate");
  const der = unseal(caKeyEnc, masterKeyHex);
  let spki: Buffer;
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    spki = createPublicKey(privateKey).export({
      format: "der",
      type: "spki",
    });
  } catch {
    throw new PkiError("unsealed CA key is not a PKCS#8 private key");
  }
  if (Buffer.compare(spki, Buffer.from(cert.publicKey.rawData)) !== 0)
    throw new PkiError("CA key does not match the CA certificate");
  const key = await subtle.importKey("pkcs8", new Uint8Array(der), EC_ALG, false, ["sign"]);
  // The KeyObject signs with node:crypto (device-leaf.ts); the CryptoKey with @peculiar/x509.
  return { cert, key, privateKey };
}

async function akiOf(ca: x509.X509Certificate) {
  const ski = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski) return new x509.AuthorityKeyIdentifierExtension(ski.keyId);
  return x509.AuthorityKeyIdentifierExtension.create(ca.publicKey);
}

/** A self-signed CA with its key sealed, and its first, empty CRL. pathLength 0: no sub-CAs. */
export async function newCa(
  subject: x509.JsonName,
  masterKeyHex: string,
  years: number,
  pathLength = 0,
) {
  const keys = await newKeyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: subject,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + years * 365.25 * 24 * HOUR),
    keys,
    signingAlgorithm: EC_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, pathLength, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const keyEnc = seal(Buffer.from(await subtle.exportKey("pkcs8", keys.privateKey)), masterKeyHex);
  const signer: Signer = { cert, key: keys.privateKey };
  const crlPem = await signCrl(signer, { revoked: [], crlNumber: 1 });
  return { certPem: cert.toString("pem"), keyEnc, crlPem } satisfies CaMaterial;
}

export interface LeafParams {
  publicKey: x509.PublicKeyType;
  subject: x509.JsonName;
  notBefore: Date;
  notAfter: Date;
  usage: "client" | "server";
  /** Subject alternative names of a server certificate. */
  dns?: string[];
  ips?: string[];
  serial?: string;
}

export async function issueLeaf(signer: Signer, p: LeafParams) {
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(
      [p.usage === "client" ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth],
      false,
    ),
    await akiOf(signer.cert),
    await x509.SubjectKeyIdentifierExtension.create(p.publicKey),
  ];
  const names = [
    ...(p.dns ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(p.ips ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  return x509.X509CertificateGenerator.create({
    serialNumber: p.serial ?? randomSerial(),
    subject: p.subject,
    issuer: signer.cert.subject,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    publicKey: p.publicKey,
    signingKey: signer.key,
    signingAlgorithm: EC_ALG,
    extensions,
  });
}

/** DER INTEGER of a non-negative number, for the CRL number extension. */
function derInteger(n: number): Uint8Array<ArrayBuffer> {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  if (bytes.length === 0 || (bytes[0] as number) & 0x80) bytes.unshift(0);
  return Uint8Array.from([0x02, bytes.length, ...bytes]);
}

export interface CrlParams {
  revoked: { serial: string; revokedAt: Date }[];
  crlNumber: number;
  nextUpdateHours?: number;
  /**
   * The CA's current CRL. OpenSSL, holding several CRLs of one CA (Mosquitto keeps the
   * old ones across reloads), uses the one with the latest thisUpdate, in whole seconds;
   * given the previous CRL, the new one is made at least a second later (waiting if need be).
   */
  previousCrlPem?: string;
}

function previousThisUpdate(pem: string | undefined): number {
  if (!pem) return 0;
  try {
    return new x509.X509Crl(pem).thisUpdate.getTime();
  } catch {
    throw new PkiError("previous CRL is not a valid PEM X.509 CRL");
  }
}

/** A complete CRL (not a delta) dated now, in whole seconds. */
export async function signCrl(signer: Signer, p: CrlParams): Promise<string> {
  if (!Number.isSafeInteger(p.crlNumber) || p.crlNumber < 1)
    throw new PkiError(`CRL number must be a positive integer, got ${p.crlNumber}`);
  const hours = p.nextUpdateHours ?? 24 * 30;
  if (!(hours > 0)) throw new PkiError(`nextUpdateHours must be positive, got ${hours}`);
  const earliest = previousThisUpdate(p.previousCrlPem) + 1000;
  // A loop, not one timer: a timer runs on the monotonic clock and can fire a little before
  // the wall clock reaches `earliest`, which would date this CRL in the previous second.
  while (Date.now() < earliest) await new Promise((r) => setTimeout(r, earliest - Date.now()));
  const now = Math.floor(Date.now() / 1000) * 1000;
  const crl = await x509.X509CrlGenerator.create({
    issuer: signer.cert.subject,
    thisUpdate: new Date(now),
    nextUpdate: new Date(now + hours * HOUR),
    signingAlgorithm: EC_ALG,
    signingKey: signer.key,
    entries: p.revoked.map((r) => {
      if (!/^[0-9a-fA-F]{1,40}$/.test(r.serial))
        throw new PkiError(`revoked serial is not hex: ${JSON.stringify(r.serial)}`);
      return { serialNumber: normalizeSerial(r.serial), revocationDate: r.revokedAt };
    }),
    extensions: [
      await akiOf(signer.cert),
      new x509.Extension(OID_CRL_NUMBER, false, derInteger(p.crlNumber)),
    ],
  });
  // @peculiar labels it "CRL"; OpenSSL (Node, Mosquitto) reads only "X509 CRL".
  return pemOf("X509 CRL", crl.rawData);
}
