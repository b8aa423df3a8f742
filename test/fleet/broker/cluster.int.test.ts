// Two embedded brokers clustered through one Redis (FLEET_BROKER_CLUSTER=redis), each in a
// fleet process of its own (workers/fleet-broker.ts) on its own loopback port: the control
// plane on broker A, real agents (edge-agent's Agent) on broker B or behind a layer-4
// balancer over both. Retained state, reports, shared subscriptions, kicks, takeovers,
// revocations and the ACL hold across the two, and a broker that crashes loses nothing.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { encodeMessage } from "../../../protocol";
import { sharedFilter, topics, uplinkFilter } from "../../../protocol/topics";
import { publishKick } from "../../../server/domains/fleet/broker/kick";
import { freePort } from "../../../server/domains/fleet/broker/mosquitto";
import { publishTrustChanged } from "../../../server/domains/fleet/broker/trust";
import { ensurePlatformPki, type PlatformPki } from "../../../server/domains/fleet/pki/platform";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { env } from "../../../server/platform/env";
import { closeRedis, getRedis, redisIsCluster } from "../../../server/platform/redis";
import { Cleanups } from "../../../testkit/cleanups";
import {
  createDeviceWithCert,
  createOrgWithCa,
  publishCa,
} from "../../../testkit/factories/fleet-db";
import { uid } from "../../../testkit/factories/identity";
import { MASTER_KEY, revoke, type TestCa, type TestDevice } from "../../../testkit/factories/pki";
import { type RunningAgent, startAgent } from "../../../testkit/stack/agents";
import {
  type FleetProcess,
  startFleetProcess,
  stopFleetProcess,
} from "../../../testkit/stack/fleet-process";
import {
  closedByBroker,
  connectMqtt,
  controlClientId,
  controlCreds,
  grantedQos,
  Inbox,
  publishOutcome,
  refusal,
} from "../../../testkit/stack/mqtt";
import { TcpBalancer } from "../../../testkit/stack/tcp-balancer";
import { desired, deviceConfig, TestControlPlane, waitFor } from "../../agent/lib/control";

// Test-only: this file's brokers (child processes) and its own calls share one new prefix.
Object.assign(env as Record<string, unknown>, { REDIS_PREFIX: `${env.REDIS_PREFIX}-bc${uid()}` });

const cleanups = new Cleanups();
const clients: MqttClient[] = [];
let pkiDir: string;
let pki: PlatformPki;
let orgX: TestCa & { siteId: string };
let orgY: TestCa & { siteId: string };
let A: FleetProcess;
let B: FleetProcess;
let cp: TestControlPlane;

const startFleet = (port: number) => startFleetProcess(port, pkiDir);
const stopFleet = stopFleetProcess;

/** The offline presence an agent leaves as its will. */
const offline = () =>
  encodeMessage("presence", { v: 1, online: false, at: new Date().toISOString() });

async function device(url: string, d: TestDevice, opts: { will?: boolean } = {}) {
  const client = await connectMqtt(url, pki.caPem, d, {
    clientId: d.identity,
    ...(opts.will
      ? { will: { topic: topics.presence(d.identity), payload: offline(), qos: 1, retain: false } }
      : {}),
  });
  clients.push(client);
  return client;
}

async function control(url: string) {
  const client = await connectMqtt(url, pki.caPem, controlCreds(pki), {
    clientId: controlClientId(),
  });
  clients.push(client);
  return client;
}

/** A real agent of `d`, given `url` as its broker. */
async function agent(d: TestDevice, org: TestCa, url: string): Promise<RunningAgent> {
  const stateDir = await mkdtemp(join(tmpdir(), "patronus-cluster-agent-"));
  cleanups.add(() => rm(stateDir, { recursive: true, force: true }));
  return startAgent(
    {
      stateDir,
      identity: { deviceId: d.deviceId, identity: d.identity, mqttUrl: url },
      credentials: {
        keyPem: d.keyPem,
        certPem: d.certPem,
        caPem: org.certPem,
        brokerCaPem: pki.caPem,
      },
    },
    cleanups,
  );
}

beforeAll(async () => {
  pkiDir = await mkdtemp(join(tmpdir(), "patronus-cluster-pki-"));
  pki = await ensurePlatformPki(pkiDir, MASTER_KEY); // both processes read this one CA
  [orgX, orgY] = [await createOrgWithCa(), await createOrgWithCa()];
  await publishCa(orgX);
  await publishCa(orgY);
  [A, B] = await Promise.all([startFleet(await freePort()), startFleet(await freePort())]);
  cp = await TestControlPlane.connect(A.url, {
    ca: pki.caPem,
    cert: pki.controlCertPem,
    key: pki.controlKeyPem,
  });
}, 120_000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await cleanups.run();
});

afterAll(async () => {
  await cp?.close();
  await Promise.all([stopFleet(A), stopFleet(B)]);
  // The cluster's keys are this file's alone (its own prefix, under one hash tag).
  const redis = getRedis();
  if (!redisIsCluster()) {
    const keys = await redis.keys(`{${env.REDIS_PREFIX}:mqtt}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await closeRedis();
  if (pkiDir) await rm(pkiDir, { recursive: true, force: true });
});

describe("two embedded brokers clustered through Redis", () => {
  it("serves a retained desired state from A to an agent that connects to B later, and its report to A exactly once", async () => {
    const d = await createDeviceWithCert(orgX);
    // The ingest's shared subscription, one member on each broker.
    const members = [await control(A.url), await control(B.url)];
    const shared = members.map((m) => new Inbox(m));
    for (const m of members)
      expect(await grantedQos(m, sharedFilter("patronus-ingest", uplinkFilter("state")))).toBe(1);

    await cp.publishDesired(d.identity, desired(d.deviceId, 1, deviceConfig()));
    const a = await agent(d, orgX, B.url);
    await cp.waitState(d.identity, (s) => s.revision === 1 && s.status === "applied");
    await cp.publishDesired(d.identity, desired(d.deviceId, 2, deviceConfig({ rules: [] })));
    await cp.waitState(d.identity, (s) => s.revision === 2 && s.status === "applied");
    expect(a.appliedRevisions()).toEqual([1, 2]);

    // One path (B, Redis, A) keeps one publisher's order: the revision-2 report came after
    // every copy of the revision-1 one that was ever going to come.
    const applied1 = (revision: number, status: string) => revision === 1 && status === "applied";
    expect(
      cp.stateLog.filter(
        (e) => e.identity === d.identity && applied1(e.state.revision, e.state.status),
      ),
    ).toHaveLength(1);
    await Promise.any(shared.map((box) => box.next((m) => m.payload.includes('"revision":2'))));
    const reports = shared.flatMap((box) =>
      box.messages.filter((m) => m.topic === topics.state(d.identity)),
    );
    expect(
      reports.filter((m) => /"revision":1\b/.test(m.payload) && m.payload.includes('"applied"')),
    ).toHaveLength(1);
    await cp.clearRetained(d.identity);
  });

  it("delivers each message once to each plain subscriber and once to each share, across brokers", async () => {
    const [d1, d2] = [await createDeviceWithCert(orgX), await createDeviceWithCert(orgY)];
    const plainClient = await control(A.url);
    const plainA = new Inbox(plainClient);
    await plainClient.subscribeAsync(uplinkFilter("heartbeat"), { qos: 1 });
    const members = [await control(A.url), await control(B.url), await control(B.url)];
    const shared = members.map((m) => new Inbox(m));
    for (const m of members)
      await m.subscribeAsync(sharedFilter("workers", uplinkFilter("heartbeat")), { qos: 1 });
    const devs = [await device(B.url, d1), await device(A.url, d2)];
    const sent: string[] = [];
    for (let i = 0; i < 20; i++)
      for (const [k, dev] of devs.entries()) {
        const payload = `beat-${k}-${i}`;
        sent.push(payload);
        await dev.publishAsync(topics.heartbeat(k === 0 ? d1.identity : d2.identity), payload, {
          qos: 1,
        });
      }
    for (const [k, dev] of devs.entries())
      await dev.publishAsync(topics.heartbeat(k === 0 ? d1.identity : d2.identity), `end-${k}`, {
        qos: 1,
      });
    for (const k of [0, 1]) await plainA.next((m) => m.payload === `end-${k}`);
    for (const k of [0, 1])
      await Promise.any(shared.map((box) => box.next((m) => m.payload === `end-${k}`)));

    const payloads = (box: Inbox) =>
      box.messages.map((m) => m.payload).filter((p) => p.startsWith("beat-"));
    expect(payloads(plainA).sort()).toEqual([...sent].sort());
    const all = shared.flatMap(payloads);
    expect(all.sort()).toEqual([...sent].sort());
    // All of one device's messages go to one member, in order.
    for (const k of [0, 1]) {
      const holders = shared.filter((box) => payloads(box).some((p) => p.startsWith(`beat-${k}-`)));
      expect(holders).toHaveLength(1);
      const seq = payloads(holders[0] as Inbox).filter((p) => p.startsWith(`beat-${k}-`));
      expect(seq).toEqual(sent.filter((p) => p.startsWith(`beat-${k}-`)));
    }
  });

  it("kicks a device on B from anywhere, and one identity holds one session across brokers", async () => {
    const d = await createDeviceWithCert(orgX);
    const onB = await device(B.url, d);
    const fromA = A.proc.logs().length;
    const fromB = B.proc.logs().length;
    await publishKick(getRedis(), { identities: [d.identity] }); // from this process
    await closedByBroker(onB);
    const kickedB = await B.proc.waitFor((l) => l.msg === "kicked", "kicked", fromB);
    const kickedA = await A.proc.waitFor((l) => l.msg === "kicked", "kicked", fromA);
    expect([kickedA.closed, kickedB.closed]).toEqual([0, 1]);

    // Not a revocation: it comes back, on B; then connecting on A takes the session over.
    const again = await device(B.url, d);
    await device(A.url, d);
    await closedByBroker(again);
  });

  it("revokes a device on every broker, checking only that device's sessions", async () => {
    const [victim, bystander] = [
      await createDeviceWithCert(orgX),
      await createDeviceWithCert(orgX),
    ];
    const [onB, otherOnB, otherOnA] = [
      await device(B.url, victim),
      await device(B.url, bystander),
      await device(A.url, await createDeviceWithCert(orgY)),
    ];
    const from = [A.proc.logs().length, B.proc.logs().length];
    await revoke(orgX, victim);
    await withScope(getDb(), { orgId: orgX.orgId }, (tx) =>
      tx.deviceCertificate.updateMany({
        where: { orgId: orgX.orgId, serial: victim.serial },
        data: { revokedAt: new Date() },
      }),
    );
    await publishCa(orgX);
    await publishTrustChanged(getRedis(), { orgId: orgX.orgId, revokedSerials: [victim.serial] });
    await closedByBroker(onB);
    const [onA, onBLog] = await Promise.all(
      [A, B].map((f, i) =>
        f.proc.waitFor((l) => l.msg === "trust updated", "trust updated", from[i]),
      ),
    );
    console.log(
      `revocation: broker A checked ${onA?.checked} session(s), disconnected ${onA?.disconnected}; broker B checked ${onBLog?.checked}, disconnected ${onBLog?.disconnected}`,
    );
    expect([onA?.checked, onA?.disconnected]).toEqual([0, 0]);
    expect([onBLog?.checked, onBLog?.disconnected]).toEqual([1, 1]);
    expect(otherOnB.connected && otherOnA.connected).toBe(true);
    expect(await refusal(device(A.url, victim))).toMatch(/connection closed before CONNACK/);
  });

  it("keeps each org's devices to their own topics on either broker", async () => {
    const [x, y] = [await createDeviceWithCert(orgX), await createDeviceWithCert(orgY)];
    const watcher = await control(B.url);
    const observer = new Inbox(watcher);
    await watcher.subscribeAsync("patronus/v1/d/#", { qos: 1 });
    for (const url of [A.url, B.url]) {
      const dev = await device(url, x);
      for (const filter of [
        topics.desired(y.identity),
        "patronus/v1/d/+/desired",
        sharedFilter("spy", uplinkFilter("state")),
        sharedFilter("spy", topics.desired(y.identity)),
      ])
        expect(await grantedQos(dev, filter)).toBe(128);
      // Aedes cuts a connection that publishes where it may not.
      expect(await publishOutcome(dev, topics.state(y.identity), "forged")).toBe("closed");
      // A last will on another org's topic is refused with the connection.
      expect(
        await refusal(
          connectMqtt(url, pki.caPem, x, {
            clientId: x.identity,
            will: {
              topic: topics.presence(y.identity),
              payload: Buffer.from("forged"),
              qos: 1,
              retain: true,
            },
          }),
        ),
      ).toMatch(/Not authorized/i);
    }
    const yDev = await device(A.url, y);
    await yDev.publishAsync(topics.heartbeat(y.identity), "sentinel", { qos: 1 });
    const before = await observer.before((m) => m.payload === "sentinel");
    expect(before.filter((m) => m.payload === "forged")).toEqual([]);
  });

  it("survives a broker crash: agents reconnect through the balancer, retained state and wills intact", async () => {
    const balancer = await TcpBalancer.start([A.port, B.port]);
    cleanups.add(() => balancer.close());
    const ds: TestDevice[] = [];
    for (let i = 0; i < 4; i++) ds.push(await createDeviceWithCert(orgX));
    for (const d of ds) await cp.publishDesired(d.identity, desired(d.deviceId, 1, deviceConfig()));
    const agents: RunningAgent[] = [];
    for (const d of ds) agents.push(await agent(d, orgX, balancer.url));
    expect(balancer.handed.get(B.port)).toBeGreaterThan(0);
    await waitFor("every agent on revision 1", () =>
      ds.every((d) => cp.states.get(d.identity)?.revision === 1),
    );
    // A device that will not come back, with a last will, on B.
    const gone = await createDeviceWithCert(orgX);
    const presenceWatch = await control(A.url);
    const wills = new Inbox(presenceWatch);
    await presenceWatch.subscribeAsync(topics.presence(gone.identity), { qos: 1 });
    await device(B.url, gone, { will: true });
    const redis = getRedis();
    const willKey = (brokerId: string, identity: string) =>
      `{${env.REDIS_PREFIX}:mqtt}:will:${brokerId}:${encodeURIComponent(identity)}`;

    const t0 = Date.now();
    const took: Record<string, number> = {};
    const mark = (what: string) => {
      took[what] = Date.now() - t0;
    };
    const crashed = B.brokerId;
    B.proc.child.kill("SIGKILL");
    await B.proc.exited;
    // Those that were on B (the balancer says how many) come back, through it, to A.
    const movers = balancer.handed.get(B.port) ?? 0;
    await waitFor(
      "the agents of the crashed broker to reconnect",
      () =>
        agents.filter((a) => a.agent.snapshot().reconnectsTotal > 0).length === movers &&
        agents.every((a) => a.agent.connected),
    );
    mark("agents back");
    await cp.publishDesired(
      ds[0]?.identity as string,
      desired(ds[0]?.deviceId as string, 2, deviceConfig({ rules: [] })),
    );
    await cp.waitState(
      ds[0]?.identity as string,
      (s) => s.revision === 2 && s.status === "applied",
    );
    // Those that were on B moved to A: their old will went with the move.
    for (const d of ds) expect(await redis.exists(willKey(crashed, d.identity))).toBe(0);
    expect(await redis.exists(willKey(crashed, gone.identity))).toBe(1);

    B = await startFleet(B.port);
    mark("B restarted");
    // Retained state lives in Redis: the restarted B serves it to an agent new to it.
    const late = await createDeviceWithCert(orgX);
    await cp.publishDesired(late.identity, desired(late.deviceId, 3, deviceConfig()));
    const lateAgent = await agent(late, orgX, B.url);
    await cp.waitState(late.identity, (s) => s.revision === 3 && s.status === "applied");
    expect(lateAgent.appliedRevisions()).toEqual([3]);
    // The crashed broker's devices that never came back get their wills published.
    await wills.next((m) => m.payload.includes('"online":false'), 60_000);
    mark("will published");
    expect(cp.presence.get(ds[0]?.identity as string)).toBe(true);
    console.log(`broker crash, ms after the SIGKILL: ${JSON.stringify(took)}`);
    for (const d of [...ds, late]) await cp.clearRetained(d.identity);
  }, 120_000);

  it("stops on SIGTERM, leaving the cluster tidy", async () => {
    const redis = getRedis();
    const alive = `{${env.REDIS_PREFIX}:mqtt}:broker:${B.brokerId}`;
    expect(await redis.exists(alive)).toBe(1);
    expect(await stopFleet(B)).toBe(0);
    expect(await redis.exists(alive)).toBe(0);
    expect(B.proc.logs().filter((l) => l.level === "error")).toEqual([]);
  });
});
