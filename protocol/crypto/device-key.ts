// A device's key pair and certificate request, made on the device: the private key never
// leaves it. Used by the edge agent (enroll and renew) and by tests.
import { createPublicKey } from "node:crypto";
import { EC_ALG, x509 } from "./x509";

const subtle = globalThis.crypto.subtle;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString("base64");
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)?.join("\n")}\n-----END ${label}-----\n`;
}

/** A new P-256 key (PKCS#8 PEM) and a CSR signed with it. The CSR's subject is a hint:
 * the CA sets the certificate's CN itself. */
export async function createDeviceKey(hint = "patronus-device") {
  const keys = await subtle.generateKey(EC_ALG, true, ["sign", "verify"]);
  const keyPem = pem("PRIVATE KEY", await subtle.exportKey("pkcs8", keys.privateKey));
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${hint.replace(/[^A-Za-z0-9.-]/g, "-").slice(0, 60)}`,
    keys,
    signingAlgorithm: EC_ALG,
  });
  return { keyPem, csrPem: csr.toString("pem") };
}

/** True when `certPem` carries the public key of `keyPem`. */
export function certMatchesKey(certPem: string, keyPem: string): boolean {
  const cert = new x509.X509Certificate(certPem);
  const spki = createPublicKey(keyPem).export({ format: "der", type: "spki" });
  return Buffer.compare(Buffer.from(cert.publicKey.rawData), spki) === 0;
}
