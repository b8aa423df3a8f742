// Certificates for fleet tests, made with the product's own PKI (server/domains/fleet/pki): a
// platform PKI in a temp dir, org CAs, device certificates (valid, expired, or naming any
// identity), revocation, and the trust bundle a broker loads.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDeviceKey } from "../../protocol/crypto/device-key";
import { x509 } from "../../protocol/crypto/x509";
import { deviceIdentity } from "../../protocol/topics";
import type { Trust } from "../../server/domains/fleet/broker/trust";
import { trustOf } from "../../server/domains/fleet/broker/trust";
import { buildCrl, createOrgCa, orgCaName, signDeviceCsr } from "../../server/domains/fleet/pki/ca";
import { platformRoot } from "../../server/domains/fleet/pki/intermediate";
import { issueLeaf, loadSigner, newCa } from "../../server/domains/fleet/pki/issue";
import { ensurePlatformPki, type PlatformPki } from "../../server/domains/fleet/pki/platform";

export const MASTER_KEY = randomBytes(32).toString("hex");

/** A lowercase id that fits the identity grammar (like a cuid). */
export const testId = (prefix = "t") => `${prefix}${randomBytes(10).toString("hex")}`;

export interface TestPlatform {
  pki: PlatformPki;
  dir: string;
  cleanup(): Promise<void>;
}

export async function makePlatform(): Promise<TestPlatform> {
  const dir = await mkdtemp(join(tmpdir(), "patronus-test-platform-"));
  const pki = await ensurePlatformPki(dir, MASTER_KEY);
  return { pki, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface TestCa {
  orgId: string;
  certPem: string;
  keyEnc: string;
  crlPem: string;
  crlNumber: number;
  revoked: { serial: string; revokedAt: Date }[];
}

/**
 * An org CA of the first scheme: self-signed, trusted by the brokers as an anchor of its
 * own (until migrated: enrollment/migrate-org-cas.ts). Brokers get it through trustFor.
 */
export async function makeOrgCa(orgId = testId("org"), masterKey = MASTER_KEY): Promise<TestCa> {
  const ca = await newCa([{ O: [orgId] }, { CN: [orgCaName(orgId)] }], masterKey, 10);
  return { orgId, ...ca, crlNumber: 1, revoked: [] };
}

/** An org CA as the product makes it now: an intermediate of the platform's root. */
export async function makeOrgIntermediate(
  platform: PlatformPki,
  orgId = testId("org"),
): Promise<TestCa> {
  const ca = await createOrgCa(orgId, await platformRoot(platform, MASTER_KEY), MASTER_KEY);
  return { orgId, ...ca, crlNumber: 1, revoked: [] };
}

export interface TestDevice {
  identity: string;
  orgId: string;
  deviceId: string;
  certPem: string;
  keyPem: string;
  serial: string;
  /** What the device presents in the handshake: its certificate and, under an
   * intermediate org CA, that CA. */
  chainPem: string;
}

/** A client certificate followed by its org CA when that is an intermediate. */
export const chainOf = (certPem: string, ca: { certPem: string }) => {
  const cert = new x509.X509Certificate(ca.certPem);
  return cert.subject === cert.issuer ? certPem : `${certPem.trim()}\n${ca.certPem.trim()}\n`;
};

export async function makeDevice(
  ca: TestCa,
  opts: { deviceId?: string; validity?: { notBefore: Date; notAfter: Date } } = {},
): Promise<TestDevice> {
  const deviceId = opts.deviceId ?? testId("dev");
  const identity = deviceIdentity(ca.orgId, deviceId);
  const { keyPem, csrPem } = await createDeviceKey();
  const issued = await signDeviceCsr({
    caCertPem: ca.certPem,
    caKeyEnc: ca.keyEnc,
    masterKeyHex: MASTER_KEY,
    csrPem,
    identity,
    hours: 1,
    validity: opts.validity,
  });
  return {
    identity,
    orgId: ca.orgId,
    deviceId,
    certPem: issued.certPem,
    keyPem,
    serial: issued.serial,
    chainPem: chainOf(issued.certPem, ca),
  };
}

/**
 * A certificate that `ca` should never sign: CN = any identity (e.g. another org's device),
 * subject O = `o` if given. certPem is the chain the forger would present.
 */
export async function forgeCert(ca: TestCa, cn: string, o?: string) {
  const signer = await loadSigner(ca.certPem, ca.keyEnc, MASTER_KEY);
  const { keyPem, csrPem } = await createDeviceKey();
  const cert = await issueLeaf(signer, {
    publicKey: new x509.Pkcs10CertificateRequest(csrPem).publicKey,
    subject: o ? [{ O: [o] }, { CN: [cn] }] : [{ CN: [cn] }],
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3_600_000),
    usage: "client",
  });
  return { certPem: chainOf(cert.toString("pem"), ca), keyPem };
}

export const expiredValidity = () => ({
  notBefore: new Date(Date.now() - 2 * 86_400_000),
  notAfter: new Date(Date.now() - 86_400_000),
});

/** Revokes devices: the CA gets a new CRL, as the revocation service makes it. */
export async function revoke(ca: TestCa, ...devices: TestDevice[]) {
  ca.revoked.push(...devices.map((d) => ({ serial: d.serial, revokedAt: new Date() })));
  ca.crlNumber += 1;
  ca.crlPem = await buildCrl({
    caCertPem: ca.certPem,
    caKeyEnc: ca.keyEnc,
    masterKeyHex: MASTER_KEY,
    revoked: ca.revoked,
    crlNumber: ca.crlNumber,
    previousCrlPem: ca.crlPem,
  });
}

export function trustFor(platform: PlatformPki, cas: TestCa[]): Trust {
  return trustOf([
    { caPem: platform.caPem, crlPem: platform.crlPem },
    ...cas.map((c) => ({ caPem: c.certPem, crlPem: c.crlPem })),
  ]);
}
