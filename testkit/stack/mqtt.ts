// MQTT clients for fleet tests (mqtt.js over mutual TLS), with every wait bounded: a
// connect that fails says why, an Inbox waits for a given message, and `ordered` checks
// what arrived before a sentinel, so negative checks need no sleeps.
import { randomBytes } from "node:crypto";
import { type IClientOptions, type MqttClient, connect as mqttConnect } from "mqtt";
import type { Credentials } from "../../edge-agent/src/agent/store";
import { presentedChain } from "../../edge-agent/src/agent/transport";
import { CONTROL_PLANE_IDENTITY } from "../../protocol/topics";
import type { PlatformPki } from "../../server/domains/fleet/pki/platform";

export const WAIT_MS = 10_000;

export interface Creds {
  certPem: string;
  keyPem: string;
}

export type ConnectOptions = Pick<
  IClientOptions,
  "clientId" | "protocolVersion" | "will" | "clean"
>;

/** An agent's stored credentials are presented as the agent does: with its org CA. */
export const certOf = (creds: Creds | Credentials) =>
  "caPem" in creds ? presentedChain(creds) : creds.certPem;

/**
 * Connects (no reconnects); rejects with the broker's or TLS's reason when refused.
 * creds null: no client certificate at all.
 */
export function connectMqtt(
  url: string,
  caPem: string,
  creds: Creds | Credentials | null,
  opts: ConnectOptions = {},
) {
  return new Promise<MqttClient>((resolve, reject) => {
    const client = mqttConnect(url, {
      ca: caPem,
      ...(creds ? { cert: certOf(creds), key: creds.keyPem } : {}),
      reconnectPeriod: 0,
      connectTimeout: WAIT_MS,
      protocolVersion: 4,
      ...opts,
    });
    const fail = (error: Error) => {
      clearTimeout(timer);
      client.removeAllListeners("connect");
      // A refused TLS handshake can raise its alert more than once (socket and stream,
      // timing-dependent): later ones must not surface as an unhandled 'error' event.
      client.on("error", () => {});
      client.end(true);
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`no CONNACK within ${WAIT_MS} ms`)), WAIT_MS);
    client.once("connect", () => {
      clearTimeout(timer);
      client.removeListener("error", fail);
      client.removeListener("close", onClose);
      resolve(client);
    });
    const onClose = () => fail(new Error("connection closed before CONNACK"));
    client.once("error", fail);
    client.once("close", onClose);
  });
}

/** An enrolled agent's credentials as it presents them: its certificate and org CA. */
export const deviceCreds = (c: Credentials): Creds => ({
  certPem: presentedChain(c),
  keyPem: c.keyPem,
});

export const controlCreds = (pki: PlatformPki): Creds => ({
  certPem: pki.controlCertPem,
  keyPem: pki.controlKeyPem,
});

export const controlClientId = () =>
  `${CONTROL_PLANE_IDENTITY}:test-${randomBytes(4).toString("hex")}`;

/** The reason a connect was refused; fails the test if it was accepted. */
export async function refusal(attempt: Promise<MqttClient>): Promise<string> {
  try {
    const client = await attempt;
    await client.endAsync(true);
  } catch (error) {
    return (error as Error).message || String(error);
  }
  throw new Error("the broker accepted a connection it should have refused");
}

/** Resolves when the broker drops the client (bounded). */
export function closedByBroker(client: MqttClient, timeoutMs = WAIT_MS) {
  if (!client.connected) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`still connected after ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Granted QoS of one subscription: 0x80 (128) means refused. */
export async function grantedQos(client: MqttClient, filter: string): Promise<number> {
  try {
    const granted = await client.subscribeAsync(filter, { qos: 1 });
    return granted[0]?.qos ?? -1;
  } catch (error) {
    // mqtt.js rejects a SUBACK that refuses; the packet says how.
    const suback = (error as { packet?: { granted?: (number | { qos: number })[] } }).packet;
    const g = suback?.granted?.[0];
    if (g === undefined) throw error;
    return typeof g === "number" ? g : g.qos;
  }
}

/**
 * Publishes with QoS 1 and says what the broker did: "acked" (which may still mean
 * dropped: MQTT 3.1.1 has no negative PUBACK), "refused" (a v5 PUBACK reason code),
 * "closed" (the broker cut the connection), or "error: <why>" (the client could not
 * parse the broker's answer).
 */
export function publishOutcome(client: MqttClient, topic: string, payload: string | Buffer) {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no PUBACK or close in ${WAIT_MS} ms`)),
      WAIT_MS,
    );
    const done = (outcome: string) => {
      clearTimeout(timer);
      client.removeListener("close", onClose);
      client.removeListener("error", onError);
      resolve(outcome);
    };
    const onClose = () => done("closed");
    const onError = (error: Error) => done(`error: ${error.message}`);
    client.once("close", onClose);
    client.once("error", onError);
    client.publish(topic, payload, { qos: 1 }, (error) => done(error ? "refused" : "acked"));
  });
}

export interface Message {
  topic: string;
  payload: string;
  retain: boolean;
}

/** Every message a client receives, in order. */
export class Inbox {
  readonly messages: Message[] = [];
  private waiters: (() => void)[] = [];

  constructor(client: MqttClient) {
    client.on("message", (topic, payload, packet) => {
      this.messages.push({ topic, payload: payload.toString(), retain: packet.retain });
      for (const w of this.waiters) w();
    });
  }

  /** The first message matching pred (already received or coming), bounded. */
  next(pred: (m: Message) => boolean, timeoutMs = WAIT_MS): Promise<Message> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.messages.find(pred);
        if (!m) return false;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(m);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        const seen = this.messages.map((m) => m.topic).join(", ") || "nothing";
        reject(new Error(`expected message not received in ${timeoutMs} ms (received: ${seen})`));
      }, timeoutMs);
      if (!check()) this.waiters.push(check);
    });
  }

  /**
   * Waits for a sentinel message, then returns every message received before it. A broker
   * queues deliveries to one subscriber in the order it processed the publishes, so a
   * message it had processed (acked, or cut the connection for) before the sentinel was
   * published and did not deliver before the sentinel, it never will.
   */
  async before(sentinel: (m: Message) => boolean): Promise<Message[]> {
    const s = await this.next(sentinel);
    return this.messages.slice(0, this.messages.indexOf(s));
  }
}
