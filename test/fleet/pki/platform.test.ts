import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONTROL_PLANE_IDENTITY } from "../../../protocol";
import { certMatchesKey } from "../../../protocol/crypto/device-key";
import { x509 } from "../../../protocol/crypto/x509";
import { newCa } from "../../../server/domains/fleet/pki/issue";
import { ensurePlatformPki } from "../../../server/domains/fleet/pki/platform";

const master = randomBytes(32).toString("hex");
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "patronus-pki-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sans = (pem: string) =>
  new x509.X509Certificate(pem)
    .getExtension(x509.SubjectAlternativeNameExtension)!
    .names.items.map((n) => n.value);

describe("ensurePlatformPki", () => {
  it("creates a CA, a broker server cert with SANs, a control-plane client cert and a CRL", async () => {
    const pki = await ensurePlatformPki(dir, master, { hosts: ["mqtt.example.test", "10.1.2.3"] });
    const ca = new x509.X509Certificate(pki.caPem);
    const broker = new x509.X509Certificate(pki.brokerCertPem);
    const control = new x509.X509Certificate(pki.controlCertPem);
    expect(await broker.verify({ publicKey: ca.publicKey, signatureOnly: true })).toBe(true);
    expect(await control.verify({ publicKey: ca.publicKey, signatureOnly: true })).toBe(true);
    expect(sans(pki.brokerCertPem).sort()).toEqual(
      ["127.0.0.1", "::1", "localhost", "mqtt.example.test", "10.1.2.3"].sort(),
    );
    expect(broker.getExtension(x509.ExtendedKeyUsageExtension)!.usages).toEqual([
      x509.ExtendedKeyUsage.serverAuth,
    ]);
    expect(control.subjectName.getField("CN")).toEqual([CONTROL_PLANE_IDENTITY]);
    expect(control.getExtension(x509.ExtendedKeyUsageExtension)!.usages).toEqual([
      x509.ExtendedKeyUsage.clientAuth,
    ]);
    expect(certMatchesKey(pki.brokerCertPem, pki.brokerKeyPem)).toBe(true);
    expect(certMatchesKey(pki.controlCertPem, pki.controlKeyPem)).toBe(true);
    expect(await new x509.X509Crl(pki.crlPem).verify({ publicKey: ca.publicKey })).toBe(true);
    expect(await readFile(pki.paths.caKey, "utf8")).toMatch(/^v1\./);
    for (const p of [pki.paths.caKey, pki.paths.brokerKey, pki.paths.controlKey])
      expect((await stat(p)).mode & 0o777).toBe(0o600);
  });

  it("is idempotent, and safe when several callers start at once", async () => {
    const all = await Promise.all([1, 2, 3, 4].map(() => ensurePlatformPki(dir, master)));
    for (const pki of all) {
      expect(pki.caPem).toBe(all[0]!.caPem);
      expect(pki.brokerCertPem).toBe(all[0]!.brokerCertPem);
      expect(pki.controlKeyPem).toBe(all[0]!.controlKeyPem);
    }
    const again = await ensurePlatformPki(dir, master);
    expect(again).toEqual(all[0]);
  });

  it("re-issues missing or foreign leaf certificates and certificates lacking a new host", async () => {
    const first = await ensurePlatformPki(dir, master);
    const foreign = await newCa([{ CN: ["a foreign CA"] }], master, 1);
    await writeFile(first.paths.controlCert, foreign.certPem);
    await rm(first.paths.brokerKey);
    const second = await ensurePlatformPki(dir, master, { hosts: ["broker.example.test"] });
    expect(second.caPem).toBe(first.caPem);
    expect(second.controlCertPem).not.toBe(foreign.certPem);
    expect(certMatchesKey(second.controlCertPem, second.controlKeyPem)).toBe(true);
    expect(certMatchesKey(second.brokerCertPem, second.brokerKeyPem)).toBe(true);
    expect(sans(second.brokerCertPem)).toContain("broker.example.test");
  });

  it("takes over the lock of a process that died, and replaces unreadable files", async () => {
    const first = await ensurePlatformPki(dir, master);
    await writeFile(join(dir, ".lock"), "2147483646"); // no such pid
    await writeFile(first.paths.brokerCert, "garbage");
    await writeFile(first.paths.crl, "garbage");
    const second = await ensurePlatformPki(dir, master);
    expect(second.brokerCertPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(certMatchesKey(second.brokerCertPem, second.brokerKeyPem)).toBe(true);
    expect(second.crlPem).toMatch(/^-----BEGIN X509 CRL-----/);
  });

  it("widens a root made with pathlen 0 so that it can sign org CAs, keeping its key and name", async () => {
    const old = await newCa([{ CN: ["Patronus platform CA"] }], master, 10);
    await writeFile(join(dir, "ca.pem"), old.certPem);
    await writeFile(join(dir, "ca.key.sealed"), old.keyEnc);
    const pki = await ensurePlatformPki(dir, master);
    const [was, now] = [new x509.X509Certificate(old.certPem), new x509.X509Certificate(pki.caPem)];
    expect(now.getExtension(x509.BasicConstraintsExtension)?.pathLength).toBe(1);
    expect(now.subject).toBe(was.subject);
    expect(Buffer.from(now.publicKey.rawData)).toEqual(Buffer.from(was.publicKey.rawData));
    // An agent that pinned the old root still accepts the broker's certificate.
    const broker = new x509.X509Certificate(pki.brokerCertPem);
    expect(await broker.verify({ publicKey: was.publicKey, signatureOnly: true })).toBe(true);
    expect((await ensurePlatformPki(dir, master)).caPem).toBe(pki.caPem); // once
  });

  it("says so when the master key is wrong", async () => {
    await ensurePlatformPki(dir, master);
    await expect(ensurePlatformPki(dir, randomBytes(32).toString("hex"))).rejects.toThrow(
      /platform CA in .*: cannot unseal: wrong master key/,
    );
  });
});
