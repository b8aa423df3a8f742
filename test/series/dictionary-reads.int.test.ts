// The series dictionary step reads each of a batch's series a few times, however many
// series the org has. When thousands of agents connect at once each sends series the
// ingest has not seen, and the dictionary step looks them up. It joined the batch to
// `series`; on statistics that lag the org's growth (taken here before the org had any
// series, as on a server without autovacuum) the planner looked each key up by the index
// without the device, reading every series of the org with that class and metric per key:
// two batches of 400 devices' 4,000 series read 600 rows per key (3 now). The
// 10,000-agent connect stalled on it. PostgreSQL's own table counters count the rows read.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { type SeriesPointInput, writeSeriesPoints } from "../../server/platform/series/write";
import { until } from "../../testkit/wait";
import { seriesOrg } from "./lib";

const DEVICES = 400;
const CLASSES = ["web", "voice", "video", "saas", "other"];
const sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
afterAll(() => sql.end());

async function seriesCounters() {
  const { rows } = await sql.query<{ read: string; inserted: string }>(
    `SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) AS read, n_tup_ins AS inserted
     FROM pg_stat_user_tables WHERE relname = 'series'`,
  );
  return { read: Number(rows[0]?.read), inserted: Number(rows[0]?.inserted) };
}

describe("the series dictionary", () => {
  it("reads a batch's series a few times each, not the org's series per key", async () => {
    await sql.connect();
    const o = await seriesOrg("HQ", DEVICES);
    await sql.query("ANALYZE series");
    const points = (ts: Date): SeriesPointInput[] =>
      o.deviceIds.flatMap((deviceId) =>
        CLASSES.flatMap((objectId) =>
          (["class_rx_bits_per_second", "class_tx_bits_per_second"] as const).map((metric) => ({
            deviceId,
            kind: "class" as const,
            objectId,
            metric,
            ts,
            value: 1000,
          })),
        ),
      );
    const keys = DEVICES * CLASSES.length * 2;
    const write = (ts: Date) =>
      // No id cache: every batch goes through the dictionary, as a process's first does.
      withScope(getDb(), { orgId: o.orgId }, (tx) =>
        writeSeriesPoints(tx, o.orgId, points(ts), null),
      );

    const before = await seriesCounters();
    expect(await write(new Date(Date.now() - 60_000))).toBe(keys);
    // The first batch names every series; its counts reach the statistics (a backend
    // flushes them when idle, at most once a second).
    const named = await until("the new series in the statistics", async () => {
      const c = await seriesCounters();
      return c.inserted >= before.inserted + keys && c;
    });
    expect(await write(new Date())).toBe(keys);
    // The second batch finds them all: its reads, once flushed (they only grow).
    let after = await seriesCounters();
    await until(
      "the second batch's reads in the statistics",
      async () => {
        after = await seriesCounters();
        return after.read >= named.read + keys;
      },
      { seen: () => ({ named, after }) },
    );
    const perKey = (after.read - before.read) / keys;
    console.info(`${keys} series keys, two batches: ${perKey.toFixed(1)} series rows read per key`);
    expect(perKey).toBeLessThan(10);
    const count = await withScope(getDb(), { orgId: o.orgId }, (tx) =>
      tx.series.count({ where: { orgId: o.orgId } }),
    );
    expect(count).toBe(keys);
  });
});
