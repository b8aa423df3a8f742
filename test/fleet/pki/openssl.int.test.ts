// The org CA's certificates and CRLs as OpenSSL's command line sees them: the same library
// that Mosquitto and Node's TLS use to check devices.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDevice, makeOrgCa, revoke, type TestCa } from "../../../testkit/factories/pki";

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
