// Tenant time series ingest benchmark: `npm run bench:series -- [--seconds 8] [--rounds 3]
// [--batch 5000] [--devices 100] [--writers 1]`.
//
// What it measures: sustained points per second into series_points (partitioned by day,
// row-level security on) on this machine, four ways, interleaved round by round:
//   ingest:   writeSeriesPoints (server/platform/series/write.ts), what the ingest channels
//             call: Prisma, the org's scoped transaction, and with the process's series id
//             cache warm (id-cache.ts) one statement checking the ids and the devices by
//             primary key and inserting through unnest;
//   uncached: the same without the cache: the dictionary step and one INSERT … SELECT FROM
//             unnest(arrays) joined to the devices and the dictionary on its key;
//   unnest:   the same unnest INSERT with known series ids, straight through `pg`;
//   baseline: a plain multi-row INSERT … VALUES ($1,$2,$3,$4), … with known series ids.
// Each writer writes batches of `--batch` points (devices × 10 metrics × steps, every point
// a new timestamp) back to back for `--seconds`; a round's figure is points / elapsed. It
// prints each round and the median per way, with the ratio to the baseline. COPY is not a
// way: PostgreSQL refuses COPY FROM into a table with row-level security for the app role.
// Nothing asserts on time. Setup: a fresh database (created and migrated like the tests',
// dropped at the end), one org, one site, `--devices` devices. Shares the machine with
// whatever runs (the load average is printed).
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import { type BenchEnv, createBenchEnv, dropBenchEnv } from "../fleet/bench-env";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "8" },
    rounds: { type: "string", default: "3" },
    batch: { type: "string", default: "5000" },
    devices: { type: "string", default: "100" },
    writers: { type: "string", default: "1" },
  },
});
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const BATCH = Number(args.batch);
const DEVICES = Number(args.devices);
const WRITERS = Number(args.writers);
const METRICS = [
  "rx_bits_per_second",
  "tx_bits_per_second",
  "rx_packets_per_second",
  "tx_packets_per_second",
  "latency_ms",
  "jitter_ms",
  "loss_percent",
  "mos",
  "up",
  "placement",
] as const;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

let benchEnv: BenchEnv | undefined;

async function main() {
  benchEnv = await createBenchEnv((e) => (benchEnv = e));
  Object.assign(process.env, benchEnv.vars);
  const { getDb } = await import("../../server/platform/db/client");
  const { withScope } = await import("../../server/platform/db/with-tenant");
  const { writeSeriesPoints } = await import("../../server/platform/series/write");
  const { ensurePartitions } = await import("../../server/platform/series/partitions");
  const { createOrgWithOwner } = await import("../../testkit/factories/identity");
  const { createDeviceRows } = await import("../../testkit/factories/fleet-db");

  const db = getDb();
  const { org } = await createOrgWithOwner();
  const orgId = org.id;
  const siteId = await withScope(
    db,
    { orgId },
    async (tx) => (await tx.site.create({ data: { orgId, name: "HQ", settings: {} } })).id,
  );
  const devices = await createDeviceRows(
    orgId,
    siteId,
    Array.from({ length: DEVICES }, (_, i) => ({ hostname: `box-${i}` })),
  );
  const now = Date.now();
  await ensurePartitions(db, new Date(now - 86_400_000), new Date(now + 3 * 86_400_000));

  // Every point a fresh timestamp: the clock steps 1 ms per batch step, from a week ago.
  let clock = now - 7 * 86_400_000;
  const perStep = DEVICES * METRICS.length;
  const steps = Math.max(1, Math.floor(BATCH / perStep));
  const points = () => {
    const out = [];
    for (let s = 0; s < steps; s++) {
      const ts = new Date(clock++);
      for (const deviceId of devices)
        for (const metric of METRICS)
          out.push({
            deviceId,
            kind: "device" as const,
            objectId: deviceId,
            metric,
            ts,
            value: Math.random() * 1000,
          });
    }
    return out;
  };
  // Seed the dictionary once; the direct ways then use its ids.
  await withScope(db, { orgId }, (tx) => writeSeriesPoints(tx, orgId, points()));
  const ids = await withScope(db, { orgId }, async (tx) =>
    (await tx.series.findMany({ where: { orgId }, select: { id: true } })).map((s) => String(s.id)),
  );

  const appUrl = benchEnv.vars.APP_DATABASE_URL as string;
  const clients = await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      const c = new pg.Client({ connectionString: appUrl });
      await c.connect();
      return c;
    }),
  );
  const scoped = async (c: pg.Client, fn: () => Promise<unknown>) => {
    await c.query("BEGIN");
    await c.query("SELECT set_config('app.org_id', $1, true)", [orgId]);
    await fn();
    await c.query("COMMIT");
  };
  const rows = () => {
    const n = steps * perStep;
    const sid: string[] = [];
    const ts: Date[] = [];
    const v: number[] = [];
    for (let s = 0; s < steps; s++) {
      const t = new Date(clock++);
      for (let i = 0; i < ids.length && sid.length < n; i++) {
        sid.push(ids[i] as string);
        ts.push(t);
        v.push(Math.random() * 1000);
      }
    }
    return { sid, ts, v };
  };
  const ways: Record<string, (c: pg.Client) => Promise<number>> = {
    ingest: async () => {
      const p = points();
      await withScope(db, { orgId }, (tx) => writeSeriesPoints(tx, orgId, p));
      return p.length;
    },
    uncached: async () => {
      const p = points();
      await withScope(db, { orgId }, (tx) => writeSeriesPoints(tx, orgId, p, null));
      return p.length;
    },
    unnest: async (c) => {
      const r = rows();
      await scoped(c, () =>
        c.query(
          `INSERT INTO series_points ("orgId", "seriesId", ts, value)
           SELECT $1, s, t, v FROM unnest($2::bigint[], $3::timestamptz[], $4::float8[]) AS x(s, t, v)
           ON CONFLICT ("seriesId", ts) DO NOTHING`,
          [orgId, r.sid, r.ts, r.v],
        ),
      );
      return r.sid.length;
    },
    baseline: async (c) => {
      const r = rows();
      const params: unknown[] = [];
      const values = r.sid.map((s, i) => {
        params.push(orgId, s, r.ts[i], r.v[i]);
        const k = i * 4;
        return `($${k + 1}, $${k + 2}, $${k + 3}, $${k + 4})`;
      });
      await scoped(c, () =>
        c.query(
          `INSERT INTO series_points ("orgId", "seriesId", ts, value) VALUES ${values.join(",")}
           ON CONFLICT ("seriesId", ts) DO NOTHING`,
          params,
        ),
      );
      return r.sid.length;
    },
  };

  console.log(
    `series ingest bench: ${steps * perStep} points a batch (${DEVICES} devices × ${METRICS.length} metrics × ${steps}), ${WRITERS} writer(s), ${SECONDS} s a run, ${ROUNDS} rounds; load ${loadavg()[0]?.toFixed(2)}`,
  );
  const results: Record<string, number[]> = { ingest: [], uncached: [], unnest: [], baseline: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, way] of Object.entries(ways)) {
      await way(clients[0] as pg.Client); // warm-up batch
      let total = 0;
      const start = performance.now();
      const end = start + SECONDS * 1000;
      await Promise.all(
        clients.map(async (c) => {
          while (performance.now() < end) total += await way(c);
        }),
      );
      const rate = total / ((performance.now() - start) / 1000);
      results[name]?.push(rate);
      console.log(
        `round ${round}  ${name.padEnd(8)} ${Math.round(rate).toLocaleString("en").padStart(10)} points/s  (load ${loadavg()[0]?.toFixed(2)})`,
      );
    }
  }
  const base = median(results.baseline as number[]);
  console.log("\nmedian points/s (ratio to the multi-row INSERT baseline)");
  for (const [name, xs] of Object.entries(results))
    console.log(
      `  ${name.padEnd(8)} ${Math.round(median(xs)).toLocaleString("en").padStart(10)}  ×${(median(xs) / base).toFixed(2)}`,
    );
  for (const c of clients) await c.end();
  await db.$disconnect();
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(async () => {
    if (benchEnv) await dropBenchEnv(benchEnv);
    const { closeQueues } = await import("../../server/platform/jobs/queues");
    await closeQueues().catch(() => undefined);
    const { getRedis } = await import("../../server/platform/redis");
    await getRedis()
      .quit()
      .catch(() => undefined);
  });
