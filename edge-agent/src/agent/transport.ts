// How an agent reaches the broker. Production: mqtts with the device's key and
// certificate, trusting only the broker CA from enrollment. Tests and local demos inject
// a plain transport explicitly; nothing falls back to it.
import type { IClientOptions } from "mqtt";
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
        cert: credentials.certPem,
        ca: credentials.brokerCaPem,
        rejectUnauthorized: true,
      },
    };
  };
}

/** Unencrypted, unauthenticated MQTT: for tests and loopback demos only. */
export function plainTransport(url: string): Transport {
  return () => ({ url, options: {} });
}
