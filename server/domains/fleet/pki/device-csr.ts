// The fast check of a device's PKCS#10 request: a small DER reader (der.ts) and node:crypto
// instead of @peculiar/x509, which took most of an enrollment's CPU. It accepts what
// checkDeviceCsr (ca.ts) accepts from devices — an EC P-256 key and a valid self-signature
// — and answers every malformed request with a PkiError.
import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { children, expectTag, oidText, readWhole, TAG, type Tlv } from "./der";
import { PkiError } from "./errors";

const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";
const OID_P256 = "1.2.840.10045.3.1.7";
const OID_RSA = "1.2.840.113549.1.1.1";
const CURVES: Record<string, string> = {
  [OID_P256]: "P-256",
  "1.3.132.0.34": "P-384",
  "1.3.132.0.35": "P-521",
};
/** ECDSA signature algorithms by OID, with their hashes. */
const ECDSA_HASH: Record<string, string> = {
  "1.2.840.10045.4.3.2": "sha256",
  "1.2.840.10045.4.3.3": "sha384",
  "1.2.840.10045.4.3.4": "sha512",
};

export interface DeviceCsr {
  /** The request's SubjectPublicKeyInfo, exactly as it was encoded. */
  spki: Buffer;
  /** The subjectPublicKey's bits (the EC point): what the key identifier hashes. */
  keyBits: Buffer;
  publicKey: KeyObject;
}

/** A CSR that is not a PKCS#10 request at all (as opposed to one the CA refuses). */
export class CsrFormatError extends PkiError {}

const PEM =
  /^-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END (?:NEW )?CERTIFICATE REQUEST-----\s*$/;

function pemBody(pem: string): Buffer {
  const m = PEM.exec(pem.trim());
  if (!m) throw new CsrFormatError("CSR is not a valid PEM PKCS#10 certificate request");
  return Buffer.from((m[1] as string).replace(/\s+/g, ""), "base64");
}

/** The key's algorithm as checkDeviceCsr's messages name it ("ECDSA P-384", "RSASSA-PKCS1-v1_5"). */
function keyName(algOid: string, curveOid: string | undefined) {
  if (algOid === OID_RSA) return "RSASSA-PKCS1-v1_5";
  if (algOid !== OID_EC_PUBLIC_KEY) return algOid;
  return `ECDSA ${CURVES[curveOid ?? ""] ?? curveOid ?? ""}`.trim();
}

/** The parts of a CSR the check needs: what is signed, the key, the signature. */
function parseCsr(der: Buffer) {
  const outer = children(readWhole(der, TAG.SEQUENCE, "CSR"));
  if (outer.length !== 3) throw new PkiError("CSR must have 3 parts");
  const [cri, sigAlg, sig] = outer as [Tlv, Tlv, Tlv];
  const criParts = children(expectTag(cri, TAG.SEQUENCE, "CSR info"));
  if (criParts.length !== 4) throw new PkiError("CSR info must have 4 parts");
  const [version, subject, spki, attributes] = criParts as [Tlv, Tlv, Tlv, Tlv];
  if (!expectTag(version, TAG.INTEGER, "CSR version").value.equals(Buffer.from([0])))
    throw new PkiError("CSR version must be 1 (0)");
  children(expectTag(subject, TAG.SEQUENCE, "CSR subject"));
  expectTag(attributes, 0xa0, "CSR attributes");
  const [alg, key] = children(expectTag(spki, TAG.SEQUENCE, "CSR public key"));
  const keyBits = expectTag(key, TAG.BIT_STRING, "public key").value;
  if (keyBits[0] !== 0) throw new PkiError("CSR public key has unused bits");
  const [algOid, params] = children(expectTag(alg, TAG.SEQUENCE, "public key algorithm"));
  const [sigOid] = children(expectTag(sigAlg, TAG.SEQUENCE, "signature algorithm"));
  const bits = expectTag(sig, TAG.BIT_STRING, "CSR signature").value;
  if (bits[0] !== 0) throw new PkiError("CSR signature has unused bits");
  return {
    info: cri.raw,
    spki: spki.raw,
    keyBits: keyBits.subarray(1),
    keyAlg: oidText(expectTag(algOid, TAG.OID, "key algorithm")),
    curve: params?.tag === TAG.OID ? oidText(params) : undefined,
    hash: ECDSA_HASH[oidText(expectTag(sigOid, TAG.OID, "signature algorithm"))],
    signature: bits.subarray(1),
  };
}

/** Parses a PEM CSR and verifies its self-signature: the device's key, or a PkiError. */
export function checkDeviceCsrFast(pem: string): DeviceCsr {
  const der = pemBody(pem);
  let csr: ReturnType<typeof parseCsr>;
  try {
    csr = parseCsr(der);
  } catch (e) {
    if (!(e instanceof PkiError)) throw e;
    throw new CsrFormatError(`CSR is not a valid PEM PKCS#10 certificate request (${e.message})`);
  }
  if (csr.keyAlg !== OID_EC_PUBLIC_KEY || csr.curve !== OID_P256)
    throw new PkiError(`CSR key must be EC P-256, got ${keyName(csr.keyAlg, csr.curve)}`);
  if (!csr.hash) throw new PkiError("CSR must be signed with ECDSA");
  let publicKey: KeyObject;
  try {
    // OpenSSL checks that the point is on the curve.
    publicKey = createPublicKey({ key: csr.spki, format: "der", type: "spki" });
  } catch {
    throw new PkiError("CSR key is not a valid EC P-256 public key");
  }
  let ok = false;
  try {
    ok = verify(csr.hash, csr.info, { key: publicKey, dsaEncoding: "der" }, csr.signature);
  } catch {
    // A signature that is not a DER ECDSA-Sig-Value: as bad as a wrong one.
  }
  if (!ok) throw new PkiError("CSR signature does not verify with its own public key");
  return { spki: Buffer.from(csr.spki), keyBits: Buffer.from(csr.keyBits), publicKey };
}
