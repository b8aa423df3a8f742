// Alert evaluation at fleet scale: `npm run bench:alerts -- [--orgs 1000] [--sites 10]
// [--rounds 5]`.
//
// What it measures: the time to evaluate every org's alert rules once (what the
// alerts.evaluate sweep asks of the workers every ALERT_EVALUATE_EVERY_MS), over
// orgs × sites sites (10,000 by default), each site one box and two WAN links, the boxes of
// an org in a full mesh of paths. Troubles are seeded: 5 % of sites have a WAN link down
// (both ends report its paths down), 2 % of boxes are offline, 5 % of sites have a class out
// of SLA, and every box has a history of path events. Interleaved per round:
//   evaluate: evaluateOrg for every org, one after the other (a worker's job runs them
//             so), after a first pass that opened the incidents: the steady state, where
//             nothing changes and everything is read, correlated and compared;
//   baseline: the overview's active-incident count per org (server/domains/overview):
//             the cheapest read of the same path states, for scale.
// It prints each round and the medians: total seconds, sites per second, per-org
// milliseconds, and the ratio to the baseline; and how many orgs the next sweep would
// evaluate when nothing changed (the others wait for their full turn, ALERT_FULL_EVERY_MS). Nothing asserts on time. Setup: a fresh
// database (dropped at the end), rows written directly with SQL.
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import { type BenchEnv, createBenchEnv, dropBenchEnv } from "../fleet/bench-env";

const { values: args } = parseArgs({
  options: {
    orgs: { type: "string", default: "1000" },
    sites: { type: "string", default: "10" },
    rounds: { type: "string", default: "5" },
  },
});
const ORGS = Number(args.orgs);
const SITES = Number(args.sites);
const ROUNDS = Number(args.rounds);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

let benchEnv: BenchEnv | undefined;

/** Every row, set-based: orgs, sites, two links a site, a box a site with its tunnels, events. */
async function seed(ownerUrl: string) {
  const c = new pg.Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO organizations (id, name, slug, "updatedAt")
       SELECT 'o' || o, 'Org ' || o, 'bench-org-' || o, now() FROM generate_series(1, $1) o`,
      [ORGS],
    );
    await c.query(
      `INSERT INTO sites (id, "orgId", name, settings, "updatedAt")
       SELECT 'o' || o || 's' || s, 'o' || o, 'Site ' || s, '{}', now()
       FROM generate_series(1, $1) o, generate_series(1, $2) s`,
      [ORGS, SITES],
    );
    await c.query(
      `INSERT INTO wan_links (id, "orgId", "siteId", name, kind, interface, "updatedAt")
       SELECT 'o' || o || 's' || s || 'l' || l, 'o' || o, 'o' || o || 's' || s,
         CASE l WHEN 0 THEN 'fiber' ELSE 'lte' END, CASE l WHEN 0 THEN 'fiber' ELSE 'lte' END,
         'eth' || l, now()
       FROM generate_series(1, $1) o, generate_series(1, $2) s, generate_series(0, 1) l`,
      [ORGS, SITES],
    );
    // A box a site; 2 % offline (site 1 of every 5th org: 1 in 50 sites at 10 a site).
    await c.query(
      `INSERT INTO devices (id, "orgId", "siteId", hostname, status, online, "lastSeenAt", "updatedAt")
       SELECT 'o' || o || 's' || s || 'd', 'o' || o, 'o' || o || 's' || s, 'box-' || s, 'active',
         NOT (o % 5 = 0 AND s = 1), now() - interval '10 minutes', now()
       FROM generate_series(1, $1) o, generate_series(1, $2) s`,
      [ORGS, SITES],
    );
    // Tunnels: a full mesh of link pairs between the org's sites (path id: link ids sorted).
    await c.query(
      `UPDATE devices d SET "overlayStatus" = jsonb_build_object('tunnels', (
         SELECT coalesce(jsonb_agg(jsonb_build_object('pathId',
           least(l1.id, l2.id) || '~' || greatest(l1.id, l2.id), 'state', 'up')), '[]'::jsonb)
         FROM wan_links l1 JOIN wan_links l2 ON l2."orgId" = l1."orgId" AND l2."siteId" <> l1."siteId"
         WHERE l1."siteId" = d."siteId"))`,
    );
    // History: an initial selection and a failover and failback per box, an hour ago.
    await c.query(
      `INSERT INTO path_events (id, "orgId", "siteId", "deviceId", "eventId", at, kind, unit, "unitName", reason)
       SELECT d.id || k.kind, d."orgId", d."siteId", d.id, d.id || k.kind,
         now() - interval '50 minutes' + k.n * interval '1 second', k.kind, 'class:1', 'voice', 'history'
       FROM devices d, (VALUES (1, 'initial'), (2, 'failover'), (3, 'failback')) AS k(n, kind)`,
    );
    // 5 % of sites: the fiber link down, seen from both ends of each of its paths.
    const down = `SELECT l.id AS link, l."orgId" FROM wan_links l
      WHERE l.name = 'fiber' AND (substring(l."siteId" from 's(\\d+)$')::int % 20) = 2`;
    await c.query(
      `INSERT INTO path_events (id, "orgId", "siteId", "deviceId", "eventId", at, kind, unit, "unitName", "remoteSiteId", "fromPath", "toPath", reason)
       SELECT 'e' || md5(d.id || p.path), d."orgId", d."siteId", d.id, md5(d.id || p.path),
         now() - interval '5 minutes', 'path_down', 'path:' || p.path, 'path', NULL, p.path, p.path, '3 probes lost'
       FROM (${down}) dl
       JOIN devices d ON d."orgId" = dl."orgId"
       CROSS JOIN LATERAL (SELECT t->>'pathId' AS path FROM jsonb_array_elements(d."overlayStatus"->'tunnels') t) p
       WHERE p.path LIKE '%' || dl.link || '%'
       ON CONFLICT DO NOTHING`,
    );
    // 5 % of sites: voice out of SLA on its path.
    await c.query(
      `INSERT INTO path_events (id, "orgId", "siteId", "deviceId", "eventId", at, kind, unit, "unitName", "remoteSiteId", "fromPath", "toPath", reason)
       SELECT 'v' || d.id, d."orgId", d."siteId", d.id, 'v' || d.id, now() - interval '20 minutes',
         'sla_violation', 'class:1', 'voice', NULL, NULL, NULL, 'latency 212 ms > 150 ms'
       FROM devices d WHERE (substring(d."siteId" from 's(\\d+)$')::int % 20) = 7`,
    );
    await c.query("VACUUM (ANALYZE) devices, path_events, wan_links, sites, organizations");
  } finally {
    await c.end();
  }
}

async function main() {
  benchEnv = await createBenchEnv((e) => (benchEnv = e));
  Object.assign(process.env, benchEnv.vars);
  await seed(benchEnv.vars.DATABASE_URL as string);
  const { getDb } = await import("../../server/platform/db/client");
  const { withScope } = await import("../../server/platform/db/with-tenant");
  const { dueOrgs, evaluateOrg } = await import("../../server/domains/alerting");
  const { activeIncidents } = await import("../../server/domains/overview/services/fleet-counts");
  const db = getDb();
  const orgIds = Array.from({ length: ORGS }, (_, i) => `o${i + 1}`);

  // The first pass writes each org's default rules and opens its incidents.
  const t0 = performance.now();
  let opened = 0;
  for (const orgId of orgIds) opened += (await evaluateOrg(db, orgId)).opened;
  const first = (performance.now() - t0) / 1000;
  console.log(
    `${ORGS} orgs × ${SITES} sites = ${ORGS * SITES} sites; first pass ${first.toFixed(1)} s, ${opened} incidents opened`,
  );

  // Between full turns, the sweep evaluates only orgs with a pending condition due.
  const due = await dueOrgs(db);
  console.log(`orgs due at the next sweep (nothing changed): ${due.length} of ${ORGS}`);

  const evaluate: number[] = [];
  const baseline: number[] = [];
  const perOrg: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    let t = performance.now();
    for (const orgId of orgIds) {
      const s = performance.now();
      const r = await evaluateOrg(db, orgId);
      perOrg.push(performance.now() - s);
      if (r.opened || r.resolved)
        throw new Error(`steady state changed incidents: ${JSON.stringify(r)}`);
    }
    evaluate.push((performance.now() - t) / 1000);
    t = performance.now();
    for (const orgId of orgIds) await withScope(db, { orgId }, (tx) => activeIncidents(tx, orgId));
    baseline.push((performance.now() - t) / 1000);
    console.log(
      `round ${round}: evaluate ${evaluate.at(-1)?.toFixed(2)} s, baseline ${baseline.at(-1)?.toFixed(2)} s (load ${loadavg()[0]?.toFixed(1)})`,
    );
  }
  const e = median(evaluate);
  const b = median(baseline);
  console.log(
    `\nmedian over ${ROUNDS} rounds: evaluate all ${ORGS * SITES} sites ${e.toFixed(2)} s ` +
      `(${Math.round((ORGS * SITES) / e)} sites/s, ${median(perOrg).toFixed(1)} ms per org); ` +
      `baseline ${b.toFixed(2)} s; ratio ${(e / b).toFixed(2)}×`,
  );
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    const { getDb } = await import("../../server/platform/db/client").catch(() => ({
      getDb: null,
    }));
    await getDb?.()
      .$disconnect()
      .catch(() => undefined);
    if (benchEnv) for (const p of await dropBenchEnv(benchEnv)) console.error(`cleanup: ${p}`);
  });
