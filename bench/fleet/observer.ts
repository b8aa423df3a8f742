// Watches the channel as the control plane sees it: a control-plane MQTT client (its own
// client id, a plain, not shared, subscription to every device's state) that timestamps,
// for one org and one revision at a time, each device's first state message saying that
// revision is applied: the ack. Timestamps are performance.now() of this process, the
// same clock as the API call's t0.
import mqtt, { type MqttClient } from "mqtt";
import { CONTROL_PLANE_IDENTITY, parseTopic, TOPIC_ROOT } from "../../protocol";

export interface Watch {
  orgId: string;
  revision: number;
  /** identity → time of its ack. */
  acks: Map<string, number>;
  /** Acks that said failed/rolled_back/rejected for this revision. */
  failures: Map<string, string>;
}

export class Observer {
  private watch: Watch | undefined;
  private closed = false;

  private constructor(private readonly client: MqttClient) {
    client.on("message", (topic, payload) => this.onMessage(topic, payload));
  }

  static async connect(c: { url: string; ca: string; cert: string; key: string }) {
    const client = await mqtt.connectAsync(c.url, {
      ca: c.ca,
      cert: c.cert,
      key: c.key,
      clientId: `${CONTROL_PLANE_IDENTITY}:bench-observer-${process.pid}`,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      rejectUnauthorized: true,
    });
    // QoS 0: timestamps are taken as the broker forwards, not paced by a QoS 1 window of
    // 20 unacknowledged messages (Mosquitto's max_inflight_messages), which would delay
    // this observer's view of a burst and, past 1,000 queued, drop messages. A lost
    // message shows up as a timeout, never as a faster figure.
    const granted = await client.subscribeAsync([`${TOPIC_ROOT}/+/state`], { qos: 0 });
    if (granted.some((g) => g.qos > 2))
      throw new Error("broker refused the observer's subscription");
    return new Observer(client);
  }

  /** Starts recording one org's acks and publishes of `revision` (forgetting the last watch). */
  start(orgId: string, revision: number): Watch {
    this.watch = { orgId, revision, acks: new Map(), failures: new Map() };
    return this.watch;
  }

  stopWatching() {
    this.watch = undefined;
  }

  private onMessage(topic: string, payload: Buffer) {
    const now = performance.now();
    const w = this.watch;
    if (!w || payload.length === 0) return;
    const t = parseTopic(topic);
    if (!t || t.orgId !== w.orgId) return;
    // Plain JSON.parse: the ingest validates; here only the time matters.
    const m = JSON.parse(payload.toString()) as {
      revision: number;
      status?: string;
      attempted?: number;
      error?: string | null;
    };
    if (t.channel !== "state") return;
    if (m.revision >= w.revision && m.status === "applied") {
      if (!w.acks.has(t.identity)) w.acks.set(t.identity, now);
    } else if (m.attempted === w.revision && m.status !== "applied")
      w.failures.set(t.identity, `${m.status}: ${m.error}`);
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    await this.client.endAsync();
  }
}
