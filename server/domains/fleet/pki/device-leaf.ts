// A device's client certificate written directly in DER and signed with node:crypto
// (ECDSA SHA-256): the same certificate issueLeaf (issue.ts) makes with @peculiar/x509 for
// usage "client" — same fields, extensions and encodings (test/fleet/pki/device-leaf.test.ts
// compares them) — at a fraction of the CPU.
import { createHash, sign } from "node:crypto";
import {
  bitString,
  der,
  directoryString,
  explicit,
  octetString,
  oid,
  seq,
  TAG,
  time,
  uintHex,
} from "./der";
import type { DeviceCsr } from "./device-csr";
import type { OrgSigner } from "./signer-cache";

const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));
const TRUE = der(TAG.BOOLEAN, Buffer.from([0xff]));
const extension = (id: string, critical: boolean, value: Buffer) =>
  seq(oid(id), ...(critical ? [TRUE] : []), octetString(value));

/** The extensions every device certificate has except the two key identifiers. */
const FIXED_EXTENSIONS = [
  // basicConstraints: not a CA (critical)
  extension("2.5.29.19", true, seq()),
  // keyUsage: digitalSignature (critical)
  extension("2.5.29.15", true, der(TAG.BIT_STRING, Buffer.from([0x07, 0x80]))),
  // extKeyUsage: clientAuth
  extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.2"))),
];

const rdn = (type: string, value: string) => der(TAG.SET, seq(oid(type), directoryString(value)));

export interface DeviceLeafParams {
  csr: DeviceCsr;
  orgId: string;
  identity: string;
  /** Hex, positive (randomSerial in issue.ts). */
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

/** The certificate's DER: subject O=<orgId>, CN=<identity>, the CSR's key, signed by the CA. */
export function deviceLeafDer(signer: OrgSigner, p: DeviceLeafParams): Buffer {
  // RFC 5280 method 1: SHA-1 of the subjectPublicKey's bits (as @peculiar/x509 computes it).
  const ski = createHash("sha1").update(p.csr.keyBits).digest();
  const tbs = seq(
    explicit(0, der(TAG.INTEGER, Buffer.from([2]))),
    uintHex(p.serial),
    ECDSA_SHA256,
    signer.subjectDer,
    seq(time(p.notBefore), time(p.notAfter)),
    seq(rdn("2.5.4.10", p.orgId), rdn("2.5.4.3", p.identity)),
    p.csr.spki,
    explicit(
      3,
      seq(
        ...FIXED_EXTENSIONS,
        extension("2.5.29.35", false, seq(der(0x80, signer.keyId))),
        extension("2.5.29.14", false, octetString(ski)),
      ),
    ),
  );
  const signature = sign("sha256", tbs, { key: signer.privateKey, dsaEncoding: "der" });
  return seq(tbs, ECDSA_SHA256, bitString(signature));
}
