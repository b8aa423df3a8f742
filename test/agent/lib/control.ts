// The test's stand-in for the control plane's side of the channel: publishes retained
// desired states (hashed with the shared configHash) and keeps the last message seen on
// every device's state and presence topics.
import { randomBytes } from "node:crypto";
import mqtt, { type MqttClient } from "mqtt";
import {
  type CertIssued,
  CONTROL_PLANE_IDENTITY,
  configHash,
  type DesiredState,
  type DeviceConfig,
  decode,
  encodeMessage,
  parseTopic,
  type ReportedState,
  topics,
  uplinkFilter,
  ZPresence,
  ZReportedState,
} from "../../../protocol";
import { until } from "../../../testkit/wait";

export function newIdentity() {
  const hex = () => randomBytes(5).toString("hex");
  const orgId = `org${hex()}`;
  const deviceId = `dev${hex()}`;
  return { orgId, deviceId, identity: `${orgId}.${deviceId}` };
}

export function deviceConfig(over: Partial<DeviceConfig> = {}): DeviceConfig {
  return {
    site: { id: "site_1", name: "Branch 1" },
    interfaces: { wan: "wan0", lan: "lan0", wanAddress: "10.77.0.1", wanIngress: "tc" },
    defaultAction: "deny",
    rules: [
      {
        id: 1,
        src: "10.77.0.0/24",
        dst: "192.168.77.0/24",
        proto: "tcp",
        ports: [80, 80],
        action: "allow",
      },
    ],
    portForwards: [],
    services: [],
    ...over,
  };
}

export function desired(deviceId: string, revision: number, config: DeviceConfig): DesiredState {
  return {
    v: 1,
    deviceId,
    revision,
    hash: configHash(config),
    issuedAt: new Date().toISOString(),
    config,
  };
}

export const waitFor = <T>(
  what: string,
  probe: () => T | undefined | null | false,
  timeoutMs = 20_000,
): Promise<T> => until(what, probe, { timeoutMs, everyMs: 25 });

export class TestControlPlane {
  readonly states = new Map<string, ReportedState>();
  readonly stateLog: { identity: string; state: ReportedState }[] = [];
  readonly presence = new Map<string, boolean>();
  readonly heartbeats = new Map<string, number>();
  readonly csrs: { identity: string; csr: string }[] = [];

  private constructor(readonly client: MqttClient) {
    client.on("message", (topic, payload) => {
      const t = parseTopic(topic);
      if (!t || payload.length === 0) return;
      if (t.channel === "state") {
        const s = decode(ZReportedState, payload);
        this.states.set(t.identity, s);
        this.stateLog.push({ identity: t.identity, state: s });
      } else if (t.channel === "presence")
        this.presence.set(t.identity, decode(ZPresence, payload).online);
      else if (t.channel === "heartbeat")
        this.heartbeats.set(t.identity, (this.heartbeats.get(t.identity) ?? 0) + 1);
      else if (t.channel === "csr")
        this.csrs.push({ identity: t.identity, csr: JSON.parse(payload.toString()).csr });
    });
  }

  static async connect(
    url: string,
    tls?: { ca: string; cert: string; key: string },
  ): Promise<TestControlPlane> {
    const client = await mqtt.connectAsync(url, {
      ...tls,
      clientId: `${CONTROL_PLANE_IDENTITY}:test-${randomBytes(3).toString("hex")}`,
      protocolVersion: 4,
      reconnectPeriod: 500,
    });
    const cp = new TestControlPlane(client);
    await client.subscribeAsync(
      ["state", "presence", "heartbeat", "csr"].map((c) => uplinkFilter(c as "state")),
      { qos: 1 },
    );
    return cp;
  }

  publishDesired(identity: string, state: DesiredState) {
    return this.publishRaw(identity, encodeMessage("desired", state));
  }

  publishRaw(identity: string, payload: Buffer | string) {
    return this.client.publishAsync(topics.desired(identity), payload, { qos: 1, retain: true });
  }

  publishCert(identity: string, msg: CertIssued) {
    return this.client.publishAsync(topics.cert(identity), encodeMessage("cert", msg), { qos: 1 });
  }

  /** Waits for a state report matching `pred` for one device. */
  waitState(identity: string, pred: (s: ReportedState) => boolean, timeoutMs?: number) {
    return waitFor(
      `state of ${identity}`,
      () => {
        const s = this.states.get(identity);
        return s && pred(s) ? s : undefined;
      },
      timeoutMs,
    );
  }

  /** Retained messages outlive a test: clear what a test left on the broker. */
  async clearRetained(identity: string) {
    for (const t of [topics.desired, topics.state, topics.presence])
      await this.client.publishAsync(t(identity), Buffer.alloc(0), { qos: 1, retain: true });
  }

  close() {
    return this.client.endAsync();
  }
}
