// Starts either fleet broker with a given trust, behind one interface, so a test runs the
// same cases against both (describe.each(BROKERS)). stop() ends the process or server and
// removes its files.
import { startEmbeddedBroker } from "../../server/domains/fleet/broker/embedded";
import { MosquittoBroker } from "../../server/domains/fleet/broker/mosquitto";
import type { Trust } from "../../server/domains/fleet/broker/trust";
import type { PlatformPki } from "../../server/domains/fleet/pki/platform";

export const BROKERS = ["embedded", "mosquitto"] as const;
export type BrokerKind = (typeof BROKERS)[number];

export interface TestBroker {
  kind: BrokerKind;
  /** Where devices connect. */
  url: string;
  /** Where the control plane connects (the same as url for the embedded broker). */
  controlUrl: string;
  /**
   * Applies new trust. revokedIdentities: the identities whose certificates the new CRLs
   * revoke; Mosquitto needs them to kick open connections, Aedes finds them itself.
   */
  setTrust(trust: Trust, revokedIdentities?: string[]): Promise<void>;
  stop(): Promise<void>;
  /** Mosquitto only: the broker itself, for restarts and logs. */
  mosquitto?: MosquittoBroker;
}

export async function startBroker(
  kind: BrokerKind,
  platform: PlatformPki,
  trust: Trust,
): Promise<TestBroker> {
  if (kind === "embedded") {
    const broker = await startEmbeddedBroker({
      ...trust,
      serverCertPem: platform.brokerCertPem,
      serverKeyPem: platform.brokerKeyPem,
    });
    return {
      kind,
      url: broker.url,
      controlUrl: broker.url,
      setTrust: async (t) => {
        await broker.updateTrust(t);
      },
      stop: () => broker.close(),
    };
  }
  const broker = await MosquittoBroker.start({ platform, trust });
  return {
    kind,
    url: broker.url,
    controlUrl: broker.controlUrl,
    setTrust: (t, revoked) => broker.reload(t, { kick: revoked }),
    stop: () => broker.stop(),
    mosquitto: broker,
  };
}
