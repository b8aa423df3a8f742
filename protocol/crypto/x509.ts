// @peculiar/x509 needs the Reflect metadata polyfill loaded before it, and a WebCrypto
// provider. Import X.509 helpers from here, never from the package directly.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(globalThis.crypto);

export { x509 };

/** Every key in the fleet is ECDSA P-256 with SHA-256 signatures. */
export const EC_ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
