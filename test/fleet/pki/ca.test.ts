import { X509Certificate as NodeCert, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CONTROL_PLANE_IDENTITY } from "../../../protocol";
import { certMatchesKey, createDeviceKey } from "../../../protocol/crypto/device-key";
import { x509 } from "../../../protocol/crypto/x509";
import {
  buildCrl,
  certInfo,
  createOrgCa,
  PkiError,
  signDeviceCsr,
} from "../../../server/domains/fleet/pki/ca";
import { loadSigner, newCa } from "../../../server/domains/fleet/pki/issue";

const master = randomBytes(32).toString("hex");
const orgId = "org0000000000000001";
const identity = `${orgId}.dev0000000000000001`;

// The platform root the org CAs are signed by (a CA of its own, as ensurePlatformPki makes).
const rootCa = newCa([{ CN: ["Patronus platform CA"] }], master, 10);

async function setup() {
  const root = await rootCa;
  const ca = await createOrgCa(orgId, await loadSigner(root.certPem, root.keyEnc, master), master);
  const base = { caCertPem: ca.certPem, caKeyEnc: ca.keyEnc, masterKeyHex: master };
  return { ca, base };
}

describe("org CA", () => {
  it("is a P-256 CA with pathlen 0, keyCertSign|cRLSign, SKI, a sealed key and an empty CRL", async () => {
    const { ca } = await setup();
    const cert = new x509.X509Certificate(ca.certPem);
    expect(cert.subject).toBe(`O=${orgId}, CN=Patronus org ${orgId} CA`);
    // An intermediate of the root, bound to its org by a critical name constraint.
    const root = new x509.X509Certificate((await rootCa).certPem);
    expect(cert.issuer).toBe(root.subject);
    expect(await cert.verify({ publicKey: root.publicKey, signatureOnly: true })).toBe(true);
    expect(cert.getExtension("2.5.29.30")?.critical).toBe(true);
    expect(cert.publicKey.algorithm).toMatchObject({ name: "ECDSA", namedCurve: "P-256" });
    const bc = cert.getExtension(x509.BasicConstraintsExtension)!;
    expect([bc.ca, bc.pathLength, bc.critical]).toEqual([true, 0, true]);
    const ku = cert.getExtension(x509.KeyUsagesExtension)!;
    expect(ku.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    expect(cert.getExtension(x509.SubjectKeyIdentifierExtension)).toBeTruthy();
    const years = (cert.notAfter.getTime() - cert.notBefore.getTime()) / (365 * 86_400_000);
    expect(Math.round(years)).toBe(10);
    expect(ca.keyEnc).toMatch(/^v1\./);
    expect(ca.keyEnc).not.toContain("PRIVATE KEY");

    const crl = new x509.X509Crl(ca.crlPem);
    expect(crl.entries).toHaveLength(0);
    expect(crl.issuer).toBe(cert.subject);
    expect(await crl.verify({ publicKey: cert.publicKey })).toBe(true);
    expect(crl.getExtension("2.5.29.20")).toBeTruthy();
  });

  it("signs a device CSR: CN is the identity whatever the CSR says, clientAuth, AKI", async () => {
    const { ca, base } = await setup();
    const key = await createDeviceKey("attacker-chosen-cn");
    const before = Date.now();
    const issued = await signDeviceCsr({ ...base, csrPem: key.csrPem, identity, hours: 24 });
    const cert = new x509.X509Certificate(issued.certPem);
    expect(cert.subjectName.getField("CN")).toEqual([identity]);
    expect(certMatchesKey(issued.certPem, key.keyPem)).toBe(true);
    expect(issued.serial).toMatch(/^[4-7][0-9a-f]{31}$/);
    expect(issued.notBefore.getTime()).toBeLessThanOrEqual(before - 4 * 60_000);
    const lifetime = issued.notAfter.getTime() - issued.notBefore.getTime();
    expect(Math.abs(lifetime - (24 * 3_600_000 + 5 * 60_000))).toBeLessThanOrEqual(1000);
    const eku = cert.getExtension(x509.ExtendedKeyUsageExtension)!;
    expect(eku.usages).toEqual([x509.ExtendedKeyUsage.clientAuth]);
    expect(cert.getExtension(x509.KeyUsagesExtension)!.usages).toBe(
      x509.KeyUsageFlags.digitalSignature,
    );
    const caCert = new x509.X509Certificate(ca.certPem);
    expect(cert.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId).toBe(
      caCert.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId,
    );
    // Node's (OpenSSL's) view agrees.
    const node = new NodeCert(issued.certPem);
    expect(node.checkIssued(new NodeCert(ca.certPem))).toBe(true);
    expect(node.verify(new NodeCert(ca.certPem).publicKey)).toBe(true);
    expect(certInfo(issued.certPem)).toEqual({
      cn: identity,
      serial: issued.serial,
      notBefore: issued.notBefore,
      notAfter: issued.notAfter,
      issuerCn: `Patronus org ${orgId} CA`,
    });
  });

  it("refuses bad CSRs, other keys, foreign identities and wrong master keys clearly", async () => {
    const { base } = await setup();
    const { csrPem } = await createDeviceKey();
    const sign = (over: Partial<Parameters<typeof signDeviceCsr>[0]>) =>
      signDeviceCsr({ ...base, csrPem, identity, hours: 1, ...over });

    await expect(sign({ csrPem: "garbage" })).rejects.toThrow(
      new PkiError("CSR is not a valid PEM PKCS#10 certificate request"),
    );
    // A CSR whose subject was altered after signing: same length, valid DER, bad signature.
    const raw = Buffer.from(new x509.Pkcs10CertificateRequest(csrPem).rawData);
    const at = raw.indexOf("patronus-device");
    raw[at] = "q".charCodeAt(0);
    const forgedPem = x509.PemConverter.encode(raw, "CERTIFICATE REQUEST");
    await expect(sign({ csrPem: forgedPem })).rejects.toThrow(/signature does not verify/);

    const rsa = await x509.Pkcs10CertificateRequestGenerator.create({
      name: "CN=x",
      keys: await crypto.subtle.generateKey(
        {
          name: "RSASSA-PKCS1-v1_5",
          hash: "SHA-256",
          publicExponent: new Uint8Array([1, 0, 1]),
          modulusLength: 2048,
        },
        true,
        ["sign", "verify"],
      ),
      signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    });
    await expect(sign({ csrPem: rsa.toString("pem") })).rejects.toThrow(
      /must be EC P-256, got RSASSA/,
    );
    const p384 = await x509.Pkcs10CertificateRequestGenerator.create({
      name: "CN=x",
      keys: await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, true, [
        "sign",
        "verify",
      ]),
      signingAlgorithm: { name: "ECDSA", hash: "SHA-384" },
    });
    await expect(sign({ csrPem: p384.toString("pem") })).rejects.toThrow(/got ECDSA P-384/);

    await expect(sign({ identity: CONTROL_PLANE_IDENTITY })).rejects.toThrow(
      /not a device identity/,
    );
    await expect(sign({ identity: "orgzzzzzzzzzzzzzzzz1.dev0000000000000001" })).rejects.toThrow(
      /does not belong to this org's CA/,
    );
    await expect(sign({ masterKeyHex: randomBytes(32).toString("hex") })).rejects.toThrow(
      /wrong master key/,
    );
    await expect(sign({ hours: 0 })).rejects.toThrow(/positive/);
  });

  it("builds CRLs with the revoked serials, a CRL number and AKI", async () => {
    const { ca, base } = await setup();
    const { csrPem } = await createDeviceKey();
    const issued = await signDeviceCsr({ ...base, csrPem, identity, hours: 1 });
    const at = new Date("2026-01-02T03:04:05Z");
    const pem = await buildCrl({
      ...base,
      revoked: [{ serial: issued.serial, revokedAt: at }],
      crlNumber: 300,
    });
    const crl = new x509.X509Crl(pem);
    expect(crl.entries.map((e) => [e.serialNumber.toLowerCase(), e.revocationDate])).toEqual([
      [issued.serial, at],
    ]);
    expect(Buffer.from(crl.getExtension("2.5.29.20")!.value).toString("hex")).toBe("0202012c");
    expect(crl.getExtension(x509.AuthorityKeyIdentifierExtension)).toBeTruthy();
    expect(await crl.verify({ publicKey: new x509.X509Certificate(ca.certPem).publicKey })).toBe(
      true,
    );
    await expect(buildCrl({ ...base, revoked: [], crlNumber: 0 })).rejects.toThrow(
      /positive integer/,
    );
  });

  it("dates a CRL after the previous one, so that OpenSSL prefers it", async () => {
    const { ca, base } = await setup();
    const next = await buildCrl({ ...base, revoked: [], crlNumber: 2, previousCrlPem: ca.crlPem });
    const then = await buildCrl({ ...base, revoked: [], crlNumber: 3, previousCrlPem: next });
    const at = (pem: string) => new x509.X509Crl(pem).thisUpdate.getTime();
    expect(at(next)).toBeGreaterThan(at(ca.crlPem));
    expect(at(then)).toBeGreaterThan(at(next));
    expect(at(then)).toBeLessThanOrEqual(Date.now());
  });
});
