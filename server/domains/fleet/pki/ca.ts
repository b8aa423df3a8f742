// The per-org certificate authority (an intermediate of the platform root: intermediate.ts):
// signing device CSRs, and revoking via CRLs. An org CA signs only device client
// certificates whose CN is the device identity `<orgId>.<deviceId>` (protocol/topics.ts);
// the broker ACL keys on that CN.

import { isDeviceIdentity, splitIdentity } from "../../../../protocol/topics";
import { checkDeviceCsrFast, type DeviceCsr } from "./device-csr";
import { deviceLeafDer } from "./device-leaf";
import { PkiError } from "./errors";
import {
  type CrlParams,
  loadSigner,
  normalizeSerial,
  parseCert,
  pemOf,
  randomSerial,
  signCrl,
} from "./issue";
import { orgSigner } from "./signer-cache";

export { PkiError } from "./errors";

const HOUR = 3_600_000;
/** Tolerated clock skew between the CA and devices. */
const BACKDATE_MS = 5 * 60_000;

export { createOrgCa, orgCaName } from "./intermediate";

export interface SignDeviceCsrInput {
  caCertPem: string;
  caKeyEnc: string;
  masterKeyHex: string;
  csrPem: string;
  /** csrPem as checkDeviceCsr accepted it, when the caller checked it already. */
  checkedCsr?: DeviceCsr;
  /** `<orgId>.<deviceId>`; becomes the CN whatever the CSR's subject says. */
  identity: string;
  hours: number;
  /** Overrides the validity window (tests make expired certificates with it). */
  validity?: { notBefore: Date; notAfter: Date };
}

export interface IssuedCert {
  certPem: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

/** What a device's CSR must be (PKCS#10, EC P-256, self-signed); its key or a PkiError. */
export const checkDeviceCsr = checkDeviceCsrFast;

/**
 * Signs a device's CSR with its org's CA. The CA's key is unsealed once per process
 * (signer-cache.ts) and the certificate written in DER (device-leaf.ts).
 */
export async function signDeviceCsr(input: SignDeviceCsrInput): Promise<IssuedCert> {
  const ids = splitIdentity(input.identity);
  if (!ids || !isDeviceIdentity(input.identity))
    throw new PkiError(`not a device identity: ${JSON.stringify(input.identity)}`);
  if (!(input.hours > 0)) throw new PkiError(`certificate lifetime must be positive hours`);
  const csr = input.checkedCsr ?? checkDeviceCsr(input.csrPem);

  const signer = await orgSigner(ids.orgId, input.caCertPem, input.caKeyEnc, input.masterKeyHex);
  if (signer.orgId !== ids.orgId)
    throw new PkiError(`identity ${input.identity} does not belong to this org's CA`);
  const now = Date.now();
  // The certificate holds whole seconds: report its dates, not the requested ones.
  const seconds = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);
  const notBefore = seconds(input.validity?.notBefore ?? new Date(now - BACKDATE_MS));
  const notAfter = seconds(input.validity?.notAfter ?? new Date(now + input.hours * HOUR));
  const serial = randomSerial();
  const der = deviceLeafDer(signer, {
    csr,
    orgId: ids.orgId,
    identity: input.identity,
    serial,
    notBefore,
    notAfter,
  });
  return {
    certPem: pemOf("CERTIFICATE", der),
    serial: normalizeSerial(serial),
    notBefore,
    notAfter,
  };
}

export interface BuildCrlInput extends CrlParams {
  caCertPem: string;
  caKeyEnc: string;
  masterKeyHex: string;
}

/**
 * The CA's CRL listing every revoked serial; crlNumber must grow with each one. Pass the
 * current CRL as previousCrlPem: the new one is then dated at least a second later, which
 * Mosquitto needs to prefer it over the one it already holds (see issue.ts).
 */
export async function buildCrl(input: BuildCrlInput): Promise<string> {
  const signer = await loadSigner(input.caCertPem, input.caKeyEnc, input.masterKeyHex);
  return signCrl(signer, input);
}

export interface CertInfo {
  cn: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  issuerCn: string;
}

export function certInfo(pem: string): CertInfo {
  const cert = parseCert(pem);
  return {
    cn: cert.subjectName.getField("CN")[0] ?? "",
    serial: normalizeSerial(cert.serialNumber),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    issuerCn: cert.issuerName.getField("CN")[0] ?? "",
  };
}
