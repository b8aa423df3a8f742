// What the fleet process (workers/fleet-broker.ts) needs of an MQTT broker, whichever it
// is: the embedded one (this file), a Mosquitto service (mosquitto-service.ts), or a
// clustered broker such as EMQX or VerneMQ (docs/fleet.md, "Broker adapters": what one
// would call). Everything else is configuration the broker reads: mutual TLS with the
// trust bundle, the certificate's CN as the identity and client id, the ACL of
// protocol/acl.ts, and shared subscriptions for the ingest.
import type { EmbeddedBroker } from "./embedded";
import type { Trust } from "./trust";

export interface TrustUpdate {
  /** Every trusted CA and its CRL (the platform's and every org's). */
  trust: Trust;
  /**
   * Certificates revoked since the previous update, per org: the difference of the CRLs
   * and what the announcements named. A broker that re-checks open sessions on its own
   * (the embedded one) may ignore it.
   */
  revoked: { orgId: string; serials: string[] }[];
}

export interface BrokerAdapter {
  readonly kind: "embedded" | "mosquitto";
  /**
   * Makes new handshakes use `update.trust` and ends the open sessions it no longer
   * trusts. Resolves once applied; what it returns goes into the log line.
   */
  applyTrust(update: TrustUpdate): Promise<Record<string, unknown>>;
  /** Ends the sessions of these identities on the broker this process serves. */
  kick(identities: string[]): Promise<number | undefined>;
  close(): Promise<void>;
}

export function embeddedAdapter(broker: EmbeddedBroker): BrokerAdapter {
  return {
    kind: "embedded",
    applyTrust: ({ trust }) => broker.updateTrust(trust),
    kick: async (identities) => broker.kick(identities),
    close: () => broker.close(),
  };
}
