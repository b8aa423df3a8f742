// A throwaway org CA for agent tests of certificate handling (renewal, the state dir):
// real X.509, P-256.
import { randomBytes } from "node:crypto";
import { EC_ALG, x509 } from "../../../protocol/crypto/x509";

export interface TestCa {
  certPem: string;
  issue(csrPem: string, cn: string, notBefore: Date, notAfter: Date): Promise<string>;
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
  };
}
