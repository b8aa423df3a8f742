// The org CAs' certificates and CRLs as OpenSSL's command line sees them: the same library
// that Mosquitto and Node's TLS use to check devices. Old self-signed org CAs, and org CAs
// as intermediates of the platform root (name-constrained to their org, cross-signed).
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { x509 } from "../../../protocol/crypto/x509";
import { crossSignOrgCa, platformRoot } from "../../../server/domains/fleet/pki/intermediate";
import {
  forgeCert,
  MASTER_KEY,
  makeDevice,
  makeOrgCa,
  makeOrgIntermediate,
  makePlatform,
  revoke,
  type TestCa,
  type TestPlatform,
} from "../../../testkit/factories/pki";

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "patronus-openssl-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function verify(ca: TestCa, certPem: string) {
  const files = { ca: join(dir, "ca.pem"), crl: join(dir, "crl.pem"), cert: join(dir, "cert.pem") };
  await writeFile(files.ca, ca.certPem);
  await writeFile(files.crl, ca.crlPem);
  await writeFile(files.cert, certPem);
  const args = [
    "verify",
    "-crl_check_all",
    "-purpose",
    "sslclient",
    "-CAfile",
    files.ca,
    "-CRLfile",
    files.crl,
    files.cert,
  ];
  return run("openssl", args).then(
    (r) => r.stdout,
    (e: { stdout: string; stderr: string }) => `${e.stdout}${e.stderr}`,
  );
}

describe("OpenSSL on the org CA's output", () => {
  it("verifies a device certificate as a TLS client against the CA and its CRL", async () => {
    const ca = await makeOrgCa();
    const device = await makeDevice(ca);
    expect(await verify(ca, device.certPem)).toMatch(/: OK/);
  });

  it("sees a revoked certificate in a CRL with a CRL number and an authority key id", async () => {
    const ca = await makeOrgCa();
    const [victim, other] = [await makeDevice(ca), await makeDevice(ca)];
    await revoke(ca, victim);
    expect(await verify(ca, victim.certPem)).toMatch(/certificate revoked/);
    expect(await verify(ca, other.certPem)).toMatch(/: OK/);
    await writeFile(join(dir, "crl.pem"), ca.crlPem);
    const { stdout } = await run("openssl", [
      "crl",
      "-noout",
      "-text",
      "-in",
      join(dir, "crl.pem"),
    ]);
    expect(stdout).toMatch(/X509v3 CRL Number:\s+2/);
    expect(stdout).toMatch(/X509v3 Authority Key Identifier/);
    expect(stdout.toLowerCase()).toContain(`serial number: ${victim.serial}`);
  });
});

/** `openssl verify` of a leaf against the root alone, with `untrusted` as the chain it sent. */
async function verifyUnderRoot(rootPem: string, untrusted: string, certPem: string) {
  const files = {
    root: join(dir, "root.pem"),
    untrusted: join(dir, "untrusted.pem"),
    cert: join(dir, "leaf.pem"),
  };
  await writeFile(files.root, rootPem);
  await writeFile(files.untrusted, untrusted);
  await writeFile(files.cert, certPem);
  const args = ["verify", "-purpose", "sslclient", "-CAfile", files.root];
  return run("openssl", [...args, "-untrusted", files.untrusted, files.cert]).then(
    (r) => r.stdout,
    (e: { stdout: string; stderr: string }) => `${e.stdout}${e.stderr}`,
  );
}

describe("OpenSSL on org CAs under the platform root", () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await makePlatform();
  });
  afterAll(() => platform?.cleanup());

  it("verifies a device through its org's intermediate to the root", async () => {
    const ca = await makeOrgIntermediate(platform.pki);
    const device = await makeDevice(ca);
    expect(await verifyUnderRoot(platform.pki.caPem, ca.certPem, device.certPem)).toMatch(/: OK/);
    // Without the intermediate the root alone cannot vouch for it.
    expect(await verifyUnderRoot(platform.pki.caPem, platform.pki.caPem, device.certPem)).toMatch(
      /unable to get local issuer certificate/,
    );
  });

  it("enforces the org's name constraint: org A's CA cannot issue a subject of org B", async () => {
    const [a, b] = [
      await makeOrgIntermediate(platform.pki),
      await makeOrgIntermediate(platform.pki),
    ];
    const forged = await forgeCert(a, `${b.orgId}.dev0000000001`, b.orgId);
    const leaf = forged.certPem.match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/,
    )![0];
    expect(await verifyUnderRoot(platform.pki.caPem, a.certPem, leaf)).toMatch(
      /permitted subtree violation/,
    );
  });

  it("chains a leaf of an old self-signed org CA to the root through its cross-signed twin", async () => {
    const legacy = await makeOrgCa();
    const device = await makeDevice(legacy);
    const cross = await crossSignOrgCa(
      await platformRoot(platform.pki, MASTER_KEY),
      legacy.certPem,
    );
    expect(await verifyUnderRoot(platform.pki.caPem, cross, device.certPem)).toMatch(/: OK/);
    // The old CA's CRL verifies against the twin: revocation keeps working.
    await revoke(legacy, device);
    const crl = new x509.X509Crl(legacy.crlPem);
    const twin = new x509.X509Certificate(cross);
    expect(crl.issuer).toBe(twin.subject);
    expect(await crl.verify({ publicKey: twin.publicKey })).toBe(true);
  });
});
