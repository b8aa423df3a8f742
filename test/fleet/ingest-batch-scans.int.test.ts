// An ingest batch of many devices costs the database a few reads per device and a fixed
// number of statements, not a round trip (or a scan of the org) per device. When thousands
// of agents connect at once the ingest writes one org's presence, state reports and
// heartbeats in batches of thousands, under the org's fleet lock. Two bugs:
// - every event (device.online, config.applied) was its own emitEvent: a lookup of the
//   org's webhook endpoints and two inserts per device. This test failed on it (4,000
//   endpoint lookups for 1,000 devices);
// - the presence and state writes read each device's previous values in a second scan
//   joined after the UPDATE. On a devices table never analyzed (an org that grew faster
//   than autovacuum), the planner repeated that scan for every updated row: 2,000 devices
//   took 1-1.6 s and 10,000 timed out at 30 s (bench/fleet/ingest-batch.ts, "fresh"). The
//   shared test database's statistics do not reproduce that plan; the bound on rows read
//   below keeps any plan that reads the org again per device out.
// Postgres' own table counters (rows read, scans) count what the batch did; they are read
// once the writes have been flushed to them.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  heartbeatChannel,
  presenceChannel,
  stateChannel,
} from "../../server/domains/fleet/channel/core-channels";
import { addToBatch, newBatch, writeOrgBatch } from "../../server/domains/fleet/channel/ingest";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { closeQueues } from "../../server/platform/jobs/queues";
import { Cleanups } from "../../testkit/cleanups";
import { createTenant } from "../../testkit/factories/tenant";
import { until } from "../../testkit/wait";

const DEVICES = 1_000;
const sql = new pg.Client({ connectionString: process.env.DATABASE_URL });

const cleanups = new Cleanups();
afterAll(async () => {
  await cleanups.run();
  await sql.end();
  await closeQueues();
});

interface Counters {
  scans: number;
  /** Rows read by scans: what grows with the batch squared when a scan repeats per row. */
  read: number;
  updated: number;
  inserted: number;
}

async function counters(table: string): Promise<Counters> {
  const { rows } = await sql.query<{
    scans: string;
    read: string;
    updated: string;
    inserted: string;
  }>(
    `SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS scans,
       coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) AS read, n_tup_upd AS updated,
       n_tup_ins AS inserted
     FROM pg_stat_user_tables WHERE relname = $1`,
    [table],
  );
  const r = rows[0];
  if (!r) throw new Error(`no statistics for ${table}`);
  return {
    scans: Number(r.scans),
    read: Number(r.read),
    updated: Number(r.updated),
    inserted: Number(r.inserted),
  };
}

describe("an ingest batch of many devices", () => {
  it("reads each device a few times and the webhook endpoints once per event type", async () => {
    await sql.connect();
    const tenant = await createTenant();
    const { orgId } = tenant;
    const { endpoint } = await tenant.caller.webhook.create({
      orgSlug: tenant.slug,
      url: "https://hooks.example.com/patronus",
      events: ["device.online", "config.applied"],
    });
    // Its 2,000 deliveries go with it: the workers of later test files in this database
    // would otherwise try to send them (and no test reaches beyond loopback).
    cleanups.add(() =>
      tenant.caller.webhook.delete({ orgSlug: tenant.slug, endpointId: endpoint.id }),
    );
    const db = getDb();
    // The table's statistics are taken while the org has no devices yet, as for an org that
    // grew faster than autovacuum analyzes.
    await sql.query("ANALYZE devices");
    const before = await counters("devices");
    await withScope(
      db,
      { orgId },
      (tx) =>
        tx.device.createMany({
          data: Array.from({ length: DEVICES }, (_, k) => ({
            orgId,
            siteId: tenant.siteId,
            hostname: `box-${k}`,
            status: "active" as const,
          })),
        }),
      { timeoutMs: 60_000 },
    );
    const ids = (
      await withScope(db, { orgId }, (tx) =>
        tx.device.findMany({ where: { orgId }, select: { id: true } }),
      )
    ).map((d) => d.id);
    const at = new Date().toISOString();
    const batch = newBatch();
    for (const id of ids) {
      addToBatch(batch, presenceChannel, id, { v: 1, online: true, at });
      addToBatch(batch, stateChannel, id, {
        v: 1,
        revision: 1,
        hash: null,
        status: "applied",
        error: null,
        appliedAt: at,
      });
      addToBatch(batch, heartbeatChannel, id, {
        v: 1,
        at,
        uptimeSeconds: 5,
        revision: 1,
        simulated: true,
      });
    }

    // The rows made above have reached the statistics (a backend flushes its counts when
    // idle, at most once a second).
    const devices = await until("the devices' inserts in the statistics", async () => {
      const c = await counters("devices");
      return c.inserted >= before.inserted + DEVICES && c;
    });
    const endpoints = await counters("webhook_endpoints");
    const events = await counters("webhook_events");

    expect(await writeOrgBatch(db, orgId, batch, () => {})).toEqual({ advanced: false });

    const after = await until("the batch's updates in the statistics", async () => {
      const c = await counters("devices");
      return c.updated >= devices.updated + 3 * DEVICES && c;
    });
    await until(
      "the events in the statistics",
      async () => (await counters("webhook_events")).inserted >= events.inserted + 2 * DEVICES,
    );
    const afterEndpoints = await counters("webhook_endpoints");
    console.info(
      `a batch of ${DEVICES} devices: ${after.read - devices.read} device rows read, ${afterEndpoints.scans - endpoints.scans} endpoint lookups`,
    );
    // Heartbeats (written first: the devices were offline), presence, state: every row.
    expect(after.updated - devices.updated).toBe(3 * DEVICES);
    // A handful of statements, each reading the org's rows once or looking each device up:
    // a few rows read per device. The bug read the org's rows again for every device.
    expect(after.read - devices.read).toBeLessThan(20 * DEVICES);
    // One lookup of the endpoints per event type, not per event, and the database's own
    // foreign-key check of each delivery.
    expect(afterEndpoints.scans - endpoints.scans).toBeLessThanOrEqual(2 * DEVICES + 4);
    const written = await withScope(db, { orgId }, async (tx) => ({
      online: await tx.device.count({ where: { orgId, online: true } }),
      applied: await tx.device.count({
        where: { orgId, applyStatus: "applied", reportedRevision: 1 },
      }),
      events: await tx.webhookEvent.groupBy({ by: ["type"], where: { orgId }, _count: true }),
      deliveries: await tx.webhookDelivery.count({ where: { orgId, status: "pending" } }),
    }));
    expect(written.online).toBe(DEVICES);
    expect(written.applied).toBe(DEVICES);
    expect(Object.fromEntries(written.events.map((e) => [e.type, e._count]))).toEqual({
      "device.online": DEVICES,
      "config.applied": DEVICES,
    });
    expect(written.deliveries).toBe(2 * DEVICES);
  });
});
