// One device can never stall its org (issue 20, items 1-3), on real parts: Mosquitto, the
// workers, the ingest, PostgreSQL, and 100 simulated agents running the real agent code.
// Failed on the code before it: a schema-valid report with an integer beyond `int` or a
// year PostgreSQL refuses failed the org's whole batch, which was put back and retried
// every 25 ms for ever, so none of the other devices' acks was recorded again; and one
// org's stuck write held every other org's next flush.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { MqttClient } from "mqtt";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { enroll } from "../../../edge-agent/src/agent/enroll";
import { FileStore } from "../../../edge-agent/src/agent/store";
import { topics } from "../../../protocol";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { Cleanups } from "../../../testkit/cleanups";
import {
  converged,
  createSiteWithToken,
  devicesOf,
  type EnrolledFleet,
  enrollFleet,
  until,
} from "../../../testkit/factories/fleet";
import { callerFor, createOrgWithOwner } from "../../../testkit/factories/identity";
import { stackWithControlPlane } from "../../../testkit/stack/control-plane";
import { connectMqtt } from "../../../testkit/stack/mqtt";

const cleanups = new Cleanups();
const fleet = stackWithControlPlane(cleanups);
const fleets: EnrolledFleet[] = [];
afterAll(async () => {
  await Promise.all(fleets.map((f) => f.stop()));
});

/** An org with `count` running agents and one more enrolled box whose key the test uses. */
async function orgWithFleet(count: number) {
  const org = await createOrgWithOwner();
  const api = callerFor(org.owner);
  const { token } = await createSiteWithToken(org, "HQ", count + 1);
  // No canary: the pill device would otherwise hold the others back by design.
  await api.rollout.updateSettings({ orgSlug: org.slug, canaryPercent: 0, failureThreshold: 10 });
  const f = await enrollFleet(fleet.stack.portalUrl, token.token, count);
  fleets.push(f);
  const dir = await mkdtemp(path.join(tmpdir(), "patronus-pill-"));
  cleanups.add(() => rm(dir, { recursive: true, force: true }));
  const store = new FileStore(dir);
  const r = await enroll({
    url: fleet.stack.portalUrl,
    token: token.token,
    store,
    hostname: "pill",
  });
  if (r.status !== "active") throw new Error(`the pill box enrolled as ${r.status}`);
  const creds = (await store.loadCredentials())!;
  const pill = await connectMqtt(fleet.stack.broker.url, creds.brokerCaPem, creds, {
    clientId: r.identity.identity,
  });
  cleanups.add(() => pill.endAsync(true));
  return { org, api, pill, identity: r.identity };
}

const acked = async (orgId: string, revision: number, count: number) => {
  const rows = (await devicesOf(orgId)).filter((d) => d.hostname !== "pill");
  return rows.length === count && rows.every((d) => d.reportedRevision === revision);
};

const alertsOf = (orgId: string, deviceId: string) =>
  withScope(getDb(), { orgId }, (tx) =>
    Promise.all([
      tx.deviceAlert.findMany({ where: { orgId, deviceId } }),
      tx.deviceDeadLetter.findMany({ where: { orgId, deviceId } }),
    ]),
  );

/** As the database's owner (the app's role may not create functions or triggers). */
async function ddl(sql: string) {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const now = () => new Date().toISOString();
const sha = "a".repeat(64);

/** Each kind of pill: a report the old schemas let through and PostgreSQL refuses. */
const PILLS: { channel: string; topic: (id: string) => string; body: unknown }[] = [
  {
    channel: "state",
    topic: topics.state,
    body: { v: 1, revision: 2 ** 40, hash: sha, status: "applied", error: null, appliedAt: now() },
  },
  {
    channel: "state",
    topic: topics.state,
    body: {
      v: 1,
      revision: 1,
      hash: sha,
      status: "applied",
      error: null,
      appliedAt: "0000-01-01T00:00:00Z",
    },
  },
  {
    channel: "presence",
    topic: topics.presence,
    body: { v: 1, online: true, at: "2026-01-01T00:00:00+23:00" },
  },
  {
    channel: "heartbeat",
    topic: topics.heartbeat,
    body: { v: 1, at: now(), uptimeSeconds: 1e300, revision: 1e20, simulated: true },
  },
  {
    channel: "telemetry/usage",
    topic: (id) => topics.telemetry(id, "usage"),
    body: { v: 1, at: now(), metrics: { epoch: 1, rx_bytes: 2 ** 64, tx_bytes: 0 } },
  },
  {
    channel: "paths",
    topic: topics.paths,
    body: {
      v: 1,
      at: now(),
      paths: [
        {
          id: "p1",
          state: "up",
          latencyMs: 1e308,
          jitterMs: 0,
          lossPct: 0,
          mos: 4,
          probesSent: 2 ** 40,
          probesLost: 0,
        },
      ],
      selection: [],
    },
  },
  {
    channel: "events",
    topic: topics.events,
    body: {
      v: 1,
      events: [
        {
          id: "event-0001",
          at: "0000-01-01T00:00:00Z",
          kind: "failover",
          unit: "class:1",
          unitName: "voice",
          remoteSiteId: null,
          fromPath: null,
          toPath: null,
          reason: "x",
        },
      ],
    },
  },
];

async function sendPills(pill: MqttClient, identity: string) {
  for (const p of PILLS)
    await pill.publishAsync(p.topic(identity), JSON.stringify(p.body), { qos: 1, retain: true });
}

describe("a poison pill", () => {
  it("is quarantined while the 100 other devices of its org roll out a change", async () => {
    const { org, api, pill, identity } = await orgWithFleet(100);
    await until("the fleet to run its first config", () => acked(org.org.id, 1, 100), {
      timeoutMs: 120_000,
    });
    await sendPills(pill, identity.identity);
    const { revision } = await api.policy.create({
      orgSlug: org.slug,
      priority: 10,
      action: "deny",
      src: "10.0.0.0/8",
      dst: "10.9.0.0/16",
      proto: "any",
    });
    await sendPills(pill, identity.identity);
    await until("all 100 acks to be recorded", () => acked(org.org.id, revision, 100), {
      timeoutMs: 120_000,
    });

    // Every kind of pill is in quarantine, once per distinct payload, with its error.
    const [alerts, letters] = await until("the pills to be quarantined", async () => {
      const r = await alertsOf(org.org.id, identity.deviceId);
      return r[1].length >= PILLS.length && r;
    });
    expect(new Set(letters.map((l) => l.channel))).toEqual(new Set(PILLS.map((p) => p.channel)));
    expect(letters.every((l) => l.reason === "refused" && l.error.length > 0)).toBe(true);
    expect(alerts.map((a) => a.kind)).toEqual(["quarantined_messages"]);
    // The device's row holds nothing of the pills.
    const row = (await devicesOf(org.org.id)).find((d) => d.id === identity.deviceId)!;
    expect(row.reportedRevision).toBe(0);

    // The retained copies are gone: a new subscriber (a restarted worker) gets none of them.
    const spy = await connectMqtt(fleet.stack.broker.controlUrl, fleet.stack.platform.caPem, {
      certPem: fleet.stack.platform.controlCertPem,
      keyPem: fleet.stack.platform.controlKeyPem,
    });
    cleanups.add(() => spy.endAsync(true));
    const retained: string[] = [];
    spy.on("message", (topic, payload, packet) => {
      if (packet.retain && payload.length > 0) retained.push(topic);
    });
    await until("the retained pills to be cleared", async () => {
      retained.length = 0;
      await spy.subscribeAsync(`patronus/v1/d/${identity.identity}/#`, { qos: 1 });
      // A marker published after the subscription comes back after every retained copy.
      await spy.publishAsync(topics.desired(`${identity.identity}x`), "", { qos: 1 });
      await spy.unsubscribeAsync(`patronus/v1/d/${identity.identity}/#`);
      return retained.filter((t) => !t.endsWith("/desired")).length === 0;
    });
    await until("the fleet to converge", () => acked(org.org.id, revision, 100));
  }, 300_000);

  it("that the database refuses is written around: the others' reports land, it is quarantined", async () => {
    const { org, api, pill, identity } = await orgWithFleet(20);
    await until("the fleet to run its first config", () => acked(org.org.id, 1, 20), {
      timeoutMs: 60_000,
    });
    // A value the database refuses though every schema lets it through (a constraint the
    // schemas do not know of): for this one device, any reported revision is out of range.
    const fn = `pill_${identity.deviceId}`;
    await ddl(`
      CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id = '${identity.deviceId}' AND NEW."reportedRevision" > 0 THEN
          RAISE EXCEPTION 'value out of range for this device' USING ERRCODE = '22003';
        END IF;
        RETURN NEW;
      END $$`);
    await ddl(
      `CREATE TRIGGER ${fn} BEFORE UPDATE ON devices FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    );
    cleanups.add(async () => {
      await ddl(`DROP TRIGGER IF EXISTS ${fn} ON devices`);
      await ddl(`DROP FUNCTION IF EXISTS ${fn}()`);
    });

    const { revision } = await api.policy.create({
      orgSlug: org.slug,
      priority: 10,
      action: "deny",
      src: "10.0.0.0/8",
      dst: "10.8.0.0/16",
      proto: "any",
    });
    const state = {
      v: 1,
      revision,
      hash: "b".repeat(64),
      status: "applied",
      error: null,
      appliedAt: now(),
    };
    await pill.publishAsync(topics.state(identity.identity), JSON.stringify(state), {
      qos: 1,
      retain: true,
    });
    // The pill's presence in the same batches is written: only the refused entry is set aside.
    await pill.publishAsync(
      topics.presence(identity.identity),
      JSON.stringify({ v: 1, online: true, at: now(), agentVersion: "pill-1" }),
      { qos: 1, retain: true },
    );
    await until("all 20 acks to be recorded", () => acked(org.org.id, revision, 20), {
      timeoutMs: 60_000,
    });
    const [, letters] = await until("the refused state to be quarantined", async () => {
      const r = await alertsOf(org.org.id, identity.deviceId);
      return r[1].some((l) => l.reason === "write_failed") && r;
    });
    expect(letters.find((l) => l.reason === "write_failed")).toMatchObject({
      channel: "state",
      error: expect.stringContaining("value out of range for this device"),
    });
    expect(JSON.parse(Buffer.from(letters[0]!.payload).toString())).toMatchObject({ revision });
    await until("the pill's presence to be written", async () => {
      const row = (await devicesOf(org.org.id)).find((d) => d.id === identity.deviceId);
      return row?.agentVersion === "pill-1";
    });
  }, 180_000);
});

describe("one org's stuck write", () => {
  it("never delays another org's ingest", async () => {
    const a = await orgWithFleet(3);
    const b = await orgWithFleet(3);
    await until(
      "both fleets to run their first config",
      async () => (await acked(a.org.org.id, 1, 3)) && acked(b.org.org.id, 1, 3),
    );
    // Org A's next write of its pill device's row blocks on a lock the test holds.
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    cleanups.add(() => holder.end());
    const key = 0x5011 + Math.floor(Math.random() * 1000);
    await holder.query("SELECT pg_advisory_lock($1)", [key]);
    const fn = `stall_${a.identity.deviceId}`;
    await ddl(`
      CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id = '${a.identity.deviceId}' THEN PERFORM pg_advisory_xact_lock(${key}); END IF;
        RETURN NEW;
      END $$`);
    await ddl(
      `CREATE TRIGGER ${fn} BEFORE UPDATE ON devices FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    );
    cleanups.add(async () => {
      await holder.query("SELECT pg_advisory_unlock_all()").catch(() => undefined);
      await ddl(`DROP TRIGGER IF EXISTS ${fn} ON devices`);
      await ddl(`DROP FUNCTION IF EXISTS ${fn}()`);
    });
    await a.pill.publishAsync(
      topics.presence(a.identity.identity),
      JSON.stringify({ v: 1, online: true, at: now() }),
      { qos: 1, retain: true },
    );
    // The transaction that waits: the same one must still be waiting when B's acks land
    // (the old ingest wrote B's next batch only once A's write had given up).
    const waiting = async () => {
      const r = await holder.query(
        `SELECT a.pid, a.xact_start::text AS since FROM pg_locks l
         JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND NOT l.granted AND l.objid = $1`,
        [key],
      );
      return r.rows.map((x: { pid: number; since: string }) => `${x.pid}@${x.since}`).join();
    };
    const stuck = await until("org A's write to block on the lock", async () => await waiting());
    // Org B changes and rolls out while A's write is stuck.
    const { revision } = await b.api.policy.create({
      orgSlug: b.org.slug,
      priority: 10,
      action: "deny",
      src: "10.0.0.0/8",
      dst: "10.7.0.0/16",
      proto: "any",
    });
    await until("org B's acks to be recorded while org A is stuck", () =>
      acked(b.org.org.id, revision, 3),
    );
    expect(await waiting()).toBe(stuck);
    await holder.query("SELECT pg_advisory_unlock($1)", [key]);
    await until("org A's fleet to converge once its write goes through", () =>
      converged(a.org.org.id).then((c) => c || acked(a.org.org.id, 1, 3)),
    );
  }, 120_000);
});
