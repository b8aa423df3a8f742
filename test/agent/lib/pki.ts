// A throwaway org CA for agent tests (enrollment stub, renewal): real X.509, P-256.
import { randomBytes } from "node:crypto";
import { EC_ALG, x509 } from "../../../server/fleet/pki/x509";

export interface TestCa {
  certPem: string;
  issue(csrPem: string, cn: string, notBefore: Date, notAfter: Date): Promise<string>;
  /** A key and a certificate for a TLS server on 127.0.0.1. */
  issueServer(): Promise<{ keyPem: string; certPem: string }>;
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const b64 = Buffer.from(await crypto.subtle.exportKey("pkcs8", key)).toString("base64");
  return `-----BEGIN PRIVATE KEY-----\n${b64.match(/.{1,64}/g)?.join("\n")}\n-----END PRIVATE KEY-----\n`;
}

export async function createTestCa(name = "Test Org CA"): Promise<TestCa> {
  const keys = (await crypto.subtle.generateKey(EC_ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString("hex"),
    name: `CN=${name}`,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 365 * 86400_000),
    keys,
    signingAlgorithm: EC_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  return {
    certPem: ca.toString("pem"),
    async issue(csrPem, cn, notBefore, notAfter) {
      const csr = new x509.Pkcs10CertificateRequest(csrPem);
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: randomBytes(8).toString("hex"),
        subject: `CN=${cn}`,
        issuer: ca.subject,
        notBefore,
        notAfter,
        signingKey: keys.privateKey,
        publicKey: csr.publicKey,
        signingAlgorithm: EC_ALG,
      });
      return cert.toString("pem");
    },
    async issueServer() {
      const k = (await crypto.subtle.generateKey(EC_ALG, true, [
        "sign",
        "verify",
      ])) as CryptoKeyPair;
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: randomBytes(8).toString("hex"),
        subject: "CN=127.0.0.1",
        issuer: ca.subject,
        notBefore: new Date(now - 3600_000),
        notAfter: new Date(now + 86400_000),
        signingKey: keys.privateKey,
        publicKey: k.publicKey,
        signingAlgorithm: EC_ALG,
        extensions: [
          new x509.SubjectAlternativeNameExtension([{ type: "ip", value: "127.0.0.1" }]),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        ],
      });
      return { keyPem: await pkcs8Pem(k.privateKey), certPem: cert.toString("pem") };
    },
  };
}
