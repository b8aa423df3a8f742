// The control plane's side of the fleet channel: one MQTT connection per process, with the
// control plane's own certificate, used to publish desired states and certificates and to
// receive what devices report (see ./ingest.ts).
import mqtt, { type MqttClient } from "mqtt";
import {
  type CertIssued,
  CONTROL_PLANE_IDENTITY,
  type DesiredState,
  encodeMessage,
  topics,
} from "../../../../protocol";
import { env } from "../../../platform/env";
import { ensurePlatformPki } from "../pki/platform";

export interface ChannelCredentials {
  url: string;
  ca: string;
  cert: string;
  key: string;
  /** Appended to the client id, so several processes can hold the identity at once. */
  instance?: string;
}

export class ControlChannel {
  private constructor(readonly client: MqttClient) {}

  static async connect(c: ChannelCredentials): Promise<ControlChannel> {
    const client = mqtt.connect(c.url, {
      ca: c.ca,
      cert: c.cert,
      key: c.key,
      clientId: `${CONTROL_PLANE_IDENTITY}:${c.instance ?? `${process.pid}-${Date.now().toString(36)}`}`,
      protocolVersion: 4, // MQTT 3.1.1: both brokers speak it (Aedes has no MQTT 5)
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      rejectUnauthorized: true,
    });
    await new Promise<void>((resolve, reject) => {
      const fail = (e: Error) => {
        client.end(true);
        reject(new Error(`fleet broker ${c.url}: ${e.message}`));
      };
      client.once("connect", () => {
        client.off("error", fail);
        resolve();
      });
      client.once("error", fail);
    });
    return new ControlChannel(client);
  }

  publishDesired(identity: string, state: DesiredState) {
    return this.client.publishAsync(topics.desired(identity), encodeMessage("desired", state), {
      qos: 1,
      retain: true,
    });
  }

  /**
   * Removes every retained message of a device, its own reports included (revoked or
   * deleted device): nothing it sent comes back to a worker that subscribes later.
   */
  async clearDevice(identity: string) {
    const retained = [topics.desired, topics.state, topics.presence, topics.overlay];
    for (const topic of retained)
      await this.client.publishAsync(topic(identity), Buffer.alloc(0), { qos: 1, retain: true });
  }

  publishCert(identity: string, msg: CertIssued) {
    return this.client.publishAsync(topics.cert(identity), encodeMessage("cert", msg), { qos: 1 });
  }

  close() {
    return this.client.endAsync();
  }
}

const holder = globalThis as unknown as { patronusControlChannel?: Promise<ControlChannel> };

/** The process's channel, connected on first use with the platform PKI's control identity. */
export function getControlChannel(): Promise<ControlChannel> {
  holder.patronusControlChannel ??= (async () => {
    const pki = await ensurePlatformPki(env.FLEET_PKI_DIR, env.FLEET_MASTER_KEY);
    return ControlChannel.connect({
      url: env.FLEET_MQTT_URL,
      ca: pki.caPem,
      cert: pki.controlCertPem,
      key: pki.controlKeyPem,
    });
  })().catch((e) => {
    holder.patronusControlChannel = undefined;
    throw e;
  });
  return holder.patronusControlChannel;
}

/** For tests and for processes that build the channel themselves. */
export function setControlChannel(channel: ControlChannel | undefined) {
  holder.patronusControlChannel = channel ? Promise.resolve(channel) : undefined;
}

export async function closeControlChannel() {
  const ch = holder.patronusControlChannel;
  holder.patronusControlChannel = undefined;
  if (ch) await (await ch.catch(() => undefined))?.close();
}
