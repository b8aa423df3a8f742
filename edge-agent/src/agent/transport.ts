// How an agent reaches the broker. Production: mqtts with the device's key and
// certificate, trusting only the broker CA from enrollment. Tests and local demos inject
// a plain transport explicitly; nothing falls back to it.
import type { IClientOptions } from "mqtt";
import { x509 } from "../../../protocol/crypto/x509";
import { splitPems } from "./renewal";
import type { Credentials, DeviceIdentity } from "./store";

export interface TransportTarget {
  url: string;
  options: IClientOptions;
}

export type Transport = (
  identity: DeviceIdentity,
  credentials: Credentials | null,
) => TransportTarget;

export class TransportError extends Error {
  override name = "TransportError";
}

/** Mutual TLS; `url` overrides the broker URL from enrollment (same TLS rules). */
export function mtlsTransport(url?: string): Transport {
  return (identity, credentials) => {
    const target = url ?? identity.mqttUrl;
    if (!/^(mqtts|wss):\/\//.test(target))
      throw new TransportError(`broker URL ${target} must use TLS (mqtts:// or wss://)`);
    if (!credentials) throw new TransportError("no device key and certificate in the state dir");
    return {
      url: target,
      options: {
        key: credentials.keyPem,
        cert: presentedChain(credentials),
        ca: credentials.brokerCaPem,
        rejectUnauthorized: true,
      },
    };
  };
}

const isIntermediate = (pem: string) => {
  try {
    const c = new x509.X509Certificate(pem);
    return c.subject !== c.issuer;
  } catch {
    return false;
  }
};

/**
 * What the agent presents in the handshake: its certificate, then its org CA when that is
 * an intermediate. Brokers trust only the platform root, so they need the org CA from the
 * device; an org CA of the first scheme (self-signed) is trusted by the brokers on its own.
 */
export function presentedChain(c: Credentials): string {
  const cas = splitPems(c.caPem).filter(isIntermediate);
  return [c.certPem, ...cas].map((p) => `${p.trim()}\n`).join("");
}

/** Unencrypted, unauthenticated MQTT: for tests and loopback demos only. */
export function plainTransport(url: string): Transport {
  return () => ({ url, options: {} });
}
