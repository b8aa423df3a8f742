// Embedded brokers clustered through a three-node Redis Cluster (the stack's own Redis,
// REDIS_CLUSTER_NODES): mqemitter-redis and aedes-persistence-redis take any ioredis
// connection, and the broker's keys share one hash tag, so their multi-key commands (MSET,
// DEL of several keys) stay in one slot instead of failing with CROSSSLOT.
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sharedFilter, topics, uplinkFilter } from "../../../protocol/topics";
import {
  type EmbeddedBroker,
  startEmbeddedBroker,
} from "../../../server/domains/fleet/broker/embedded";
import { env } from "../../../server/platform/env";
import { uid } from "../../../testkit/factories/identity";
import {
  makeDevice,
  makeOrgCa,
  makePlatform,
  type TestCa,
  type TestPlatform,
  trustFor,
} from "../../../testkit/factories/pki";
import {
  type Creds,
  closedByBroker,
  connectMqtt,
  controlClientId,
  controlCreds,
  Inbox,
} from "../../../testkit/stack/mqtt";
import { useRedisCluster } from "../../../testkit/stack/use-redis-cluster";
import { until } from "../../../testkit/wait";

const redis = useRedisCluster();
let platform: TestPlatform;
let ca: TestCa;
const brokers: EmbeddedBroker[] = [];
const clients: MqttClient[] = [];

beforeAll(async () => {
  platform = await makePlatform();
  ca = await makeOrgCa();
  // One prefix: the two brokers form one cluster (another prefix is another stack's).
  const prefix = `${env.REDIS_PREFIX}-${uid()}`;
  for (let i = 0; i < 2; i++)
    brokers.push(
      await startEmbeddedBroker({
        ...trustFor(platform.pki, [ca]),
        serverCertPem: platform.pki.brokerCertPem,
        serverKeyPem: platform.pki.brokerKeyPem,
        cluster: { prefix },
      }),
    );
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
});
afterAll(async () => {
  for (const b of brokers) await b.close();
  await platform?.cleanup();
});

async function connect(broker: EmbeddedBroker, creds: Creds, clientId: string) {
  const client = await connectMqtt(broker.url, platform.pki.caPem, creds, { clientId });
  clients.push(client);
  return client;
}

describe("embedded brokers on a Redis Cluster", () => {
  it("share retained state, messages, shared subscriptions and sessions", async () => {
    expect(redis.cluster.nodes.split(",")).toHaveLength(3);
    const [a, b] = brokers as [EmbeddedBroker, EmbeddedBroker];
    const d = await makeDevice(ca);
    const control = await connect(a, controlCreds(platform.pki), controlClientId());
    await control.publishAsync(topics.desired(d.identity), "rev-1", { qos: 1, retain: true });

    const members = [
      await connect(a, controlCreds(platform.pki), controlClientId()),
      await connect(b, controlCreds(platform.pki), controlClientId()),
    ];
    const shared = members.map((m) => new Inbox(m));
    for (const m of members)
      await m.subscribeAsync(sharedFilter("ingest", uplinkFilter("state")), { qos: 1 });
    // A Redis Cluster keeps no order between channels published through different nodes:
    // the brokers agree on the members within a beat (a second), not at the SUBACK.
    await until("both brokers to count both members", () =>
      brokers.every((b) => b.shareMembers("ingest", uplinkFilter("state")).length === 2),
    );

    const onB = await connect(b, d, d.identity);
    const inbox = new Inbox(onB);
    await onB.subscribeAsync(topics.desired(d.identity), { qos: 1 });
    expect((await inbox.next((m) => m.retain)).payload).toBe("rev-1");

    for (const n of [1, 2, 3])
      await onB.publishAsync(topics.state(d.identity), `state-${n}`, { qos: 1 });
    await Promise.any(shared.map((box) => box.next((m) => m.payload === "state-3")));
    expect(shared.flatMap((box) => box.messages.map((m) => m.payload)).sort()).toEqual([
      "state-1",
      "state-2",
      "state-3",
    ]);

    await connect(a, d, d.identity); // one identity, one session: B's is closed
    await closedByBroker(onB);
    await control.publishAsync(topics.desired(d.identity), Buffer.alloc(0), {
      qos: 1,
      retain: true,
    });
  });

  it("delivers every message of a burst from one broker to a subscriber on the other", async () => {
    // Aedes used to drop a message from another broker whose counter was not above the last
    // it delivered from that broker (its duplicate check), and the counters do not arrive in
    // order: a broker numbers a message when it takes it and sends it on after persisting
    // it, so a retained report waits for its write while a heartbeat numbered after it goes
    // ahead; and a Redis Cluster keeps the order of publishes only along one node's links.
    const [a, b] = brokers as [EmbeddedBroker, EmbeddedBroker];
    const watcher = await connect(b, controlCreds(platform.pki), controlClientId());
    const inbox = new Inbox(watcher);
    await watcher.subscribeAsync([uplinkFilter("heartbeat"), uplinkFilter("state")], { qos: 1 });
    const devices = await Promise.all([0, 1, 2, 3].map(() => makeDevice(ca)));
    const senders = await Promise.all(devices.map((d) => connect(a, d, d.identity)));
    const sent: string[] = [];
    await Promise.all(
      senders.map(async (dev, k) => {
        const identity = devices[k]!.identity;
        for (let i = 0; i < 60; i++) {
          const [state, beat] = [`state-${k}-${i}`, `beat-${k}-${i}`];
          sent.push(state, beat);
          // As agents send them: the report retained, the heartbeat not, without waiting.
          await Promise.all([
            dev.publishAsync(topics.state(identity), state, { qos: 1, retain: true }),
            dev.publishAsync(topics.heartbeat(identity), beat, { qos: 1 }),
          ]);
        }
      }),
    );
    const end = await connect(a, devices[0]!, devices[0]!.identity);
    await end.publishAsync(topics.heartbeat(devices[0]!.identity), "end", { qos: 1 });
    await inbox.next((m) => m.payload === "end");
    const got = inbox.messages.map((m) => m.payload).filter((p) => /^(state|beat)-/.test(p));
    expect(got.length).toBe(sent.length);
    expect([...got].sort()).toEqual([...sent].sort());
    for (const d of devices)
      await watcher.publishAsync(topics.state(d.identity), Buffer.alloc(0), {
        qos: 1,
        retain: true,
      });
  });
});
