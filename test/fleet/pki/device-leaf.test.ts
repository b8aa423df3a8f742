// The enrollment fast paths against the library they replace: the DER-written device
// certificate must be the one @peculiar/x509 makes (same TBSCertificate, byte for byte,
// given the same serial and dates), OpenSSL must accept it, and the DER CSR check must
// refuse every malformed request with a PkiError.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeviceKey } from "../../../protocol/crypto/device-key";
import { x509 } from "../../../protocol/crypto/x509";
import {
  checkDeviceCsr,
  createOrgCa,
  PkiError,
  signDeviceCsr,
} from "../../../server/domains/fleet/pki/ca";
import { children, readTlv } from "../../../server/domains/fleet/pki/der";
import { deviceLeafDer } from "../../../server/domains/fleet/pki/device-leaf";
import { issueLeaf, loadSigner, newCa } from "../../../server/domains/fleet/pki/issue";
import { orgSigner } from "../../../server/domains/fleet/pki/signer-cache";

const run = promisify(execFile);
const master = randomBytes(32).toString("hex");
const orgId = "org0000000000000002";
const identity = `${orgId}.dev0000000000000002`;
// Org CAs are intermediates of the platform root (pki/intermediate.ts).
const rootCa = newCa([{ CN: ["Patronus platform CA"] }], master, 10, 1);
const newOrgCa = async () => {
  const root = await rootCa;
  return createOrgCa(orgId, await loadSigner(root.certPem, root.keyEnc, master), master);
};
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "patronus-leaf-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The TBSCertificate's bytes (everything but the signature). */
const tbsOf = (der: Buffer) => (children(readTlv(der))[0] as { raw: Buffer }).raw;

describe("the DER device certificate", () => {
  it("has the library's TBSCertificate byte for byte, and the same fields", async () => {
    const ca = await newOrgCa();
    const { csrPem } = await createDeviceKey("box");
    const serial = "5a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d";
    const notBefore = new Date("2026-03-04T05:06:07Z");
    const notAfter = new Date("2027-03-04T05:06:07Z");

    const libSigner = await loadSigner(ca.certPem, ca.keyEnc, master);
    const libCsr = new x509.Pkcs10CertificateRequest(csrPem);
    const lib = await issueLeaf(libSigner, {
      publicKey: libCsr.publicKey,
      subject: [{ O: [orgId] }, { CN: [identity] }],
      notBefore,
      notAfter,
      usage: "client",
      serial,
    });
    const signer = await orgSigner(orgId, ca.certPem, ca.keyEnc, master);
    const fastDer = deviceLeafDer(signer, {
      csr: checkDeviceCsr(csrPem),
      orgId,
      identity,
      serial,
      notBefore,
      notAfter,
    });
    const fast = new x509.X509Certificate(new Uint8Array(fastDer));

    // Field by field first, so that a difference says where it is.
    expect(fast.serialNumber).toBe(lib.serialNumber);
    expect(fast.subject).toBe(lib.subject);
    expect(fast.issuer).toBe(lib.issuer);
    expect(Buffer.from(fast.subjectName.toArrayBuffer())).toEqual(
      Buffer.from(lib.subjectName.toArrayBuffer()),
    );
    expect(Buffer.from(fast.issuerName.toArrayBuffer())).toEqual(
      Buffer.from(lib.issuerName.toArrayBuffer()),
    );
    expect([fast.notBefore, fast.notAfter]).toEqual([lib.notBefore, lib.notAfter]);
    expect(fast.signatureAlgorithm).toEqual(lib.signatureAlgorithm);
    expect(Buffer.from(fast.publicKey.rawData)).toEqual(Buffer.from(lib.publicKey.rawData));
    const exts = (c: x509.X509Certificate) =>
      c.extensions.map((e) => [e.type, e.critical, Buffer.from(e.value).toString("hex")]);
    expect(exts(fast)).toEqual(exts(lib));
    // ... then everything that is signed.
    expect(tbsOf(fastDer)).toEqual(tbsOf(Buffer.from(lib.rawData)));
    const caCert = new x509.X509Certificate(ca.certPem);
    expect(await fast.verify({ publicKey: caCert.publicKey, signatureOnly: true })).toBe(true);
  });

  it("is accepted by OpenSSL as a TLS client certificate of the org CA", async () => {
    const ca = await newOrgCa();
    const { csrPem } = await createDeviceKey("box");
    const issued = await signDeviceCsr({
      caCertPem: ca.certPem,
      caKeyEnc: ca.keyEnc,
      masterKeyHex: master,
      csrPem,
      identity,
      hours: 24,
    });
    const root = await rootCa;
    const files = {
      root: join(dir, "root.pem"),
      ca: join(dir, "ca.pem"),
      crl: join(dir, "crl.pem"),
      cert: join(dir, "c.pem"),
    };
    await writeFile(files.root, root.certPem);
    await writeFile(files.ca, ca.certPem);
    await writeFile(files.crl, `${root.crlPem.trim()}\n${ca.crlPem.trim()}\n`);
    await writeFile(files.cert, issued.certPem);
    const verified = await run("openssl", [
      "verify",
      "-crl_check_all",
      "-purpose",
      "sslclient",
      "-CAfile",
      files.root,
      "-untrusted",
      files.ca,
      "-CRLfile",
      files.crl,
      files.cert,
    ]);
    expect(verified.stdout).toMatch(/: OK/);
    const { stdout } = await run("openssl", ["x509", "-noout", "-text", "-in", files.cert]);
    expect(stdout).toContain(`Subject: O = ${orgId}, CN = ${identity}`);
    expect(stdout).toContain(`Issuer: O = ${orgId}, CN = Patronus org ${orgId} CA`);
    expect(stdout).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(stdout).toMatch(/Key Usage: critical\s+Digital Signature/);
    expect(stdout).toMatch(/Extended Key Usage:\s+TLS Web Client Authentication/);
    expect(stdout).toContain(`Serial Number:`);
  });
});

/** A few hundred CSRs, each one mutation away from a valid one. */
function mutations(der: Buffer, count: number, seed: number) {
  let s = seed;
  const rand = (n: number) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const b = Buffer.from(der);
    switch (i % 5) {
      case 0: {
        // flip a byte
        const at = rand(b.length);
        b[at] = (b[at] as number) ^ (1 << rand(8));
        out.push(b);
        break;
      }
      case 1: // truncate
        out.push(b.subarray(0, rand(b.length)));
        break;
      case 2: // set a byte to a length-ish value
        b[rand(b.length)] = [0x00, 0x7f, 0x80, 0x81, 0x84, 0xff][rand(6)] as number;
        out.push(b);
        break;
      case 3: {
        // insert a byte
        const at = rand(b.length);
        out.push(Buffer.concat([b.subarray(0, at), Buffer.from([rand(256)]), b.subarray(at)]));
        break;
      }
      default: // trailing garbage
        out.push(Buffer.concat([b, randomBytes(1 + rand(8))]));
    }
  }
  return out;
}

describe("the DER CSR check", () => {
  it("accepts the agent's CSRs and refuses each of 500 mutated ones with a PkiError", async () => {
    const { csrPem } = await createDeviceKey("fuzz");
    const der = Buffer.from(new x509.Pkcs10CertificateRequest(csrPem).rawData);
    expect(checkDeviceCsr(csrPem).spki.length).toBe(91);
    let refused = 0;
    for (const bytes of mutations(der, 500, 7)) {
      const pem = x509.PemConverter.encode(new Uint8Array(bytes), "CERTIFICATE REQUEST");
      let outcome: unknown;
      try {
        checkDeviceCsr(pem);
        outcome = "accepted";
      } catch (e) {
        outcome = e;
      }
      if (outcome === "accepted") {
        // Only if the library finds it a valid, self-signed request too.
        const lib = new x509.Pkcs10CertificateRequest(new Uint8Array(bytes));
        expect(await lib.verify()).toBe(true);
        continue;
      }
      expect(outcome, `mutation ${bytes.toString("hex")}`).toBeInstanceOf(PkiError);
      refused++;
    }
    expect(refused).toBeGreaterThan(450);
  });

  it("refuses what is not PEM, and other keys, with clear messages", async () => {
    expect(() => checkDeviceCsr("")).toThrow(PkiError);
    expect(() =>
      checkDeviceCsr("-----BEGIN CERTIFICATE REQUEST-----\n!!\n-----END CERTIFICATE REQUEST-----"),
    ).toThrow(/not a valid PEM PKCS#10/);
    const p384 = await x509.Pkcs10CertificateRequestGenerator.create({
      name: "CN=x",
      keys: await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, true, [
        "sign",
        "verify",
      ]),
      signingAlgorithm: { name: "ECDSA", hash: "SHA-384" },
    });
    expect(() => checkDeviceCsr(p384.toString("pem"))).toThrow(/must be EC P-256, got ECDSA P-384/);
  });
});
