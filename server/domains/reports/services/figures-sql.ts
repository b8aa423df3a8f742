// The set-based statements of an SLA report (docs/reports.md): per path and minute (or hour)
// from the tenant time series' rollups, the path's latency, jitter, loss and up share at the
// site that measured it; from those, per path and per site, and per SLA class where its
// traffic was placed. Read only; every statement is scoped to the org (and RLS).
import { Prisma, type Tx } from "../../../platform/db/client";

export type Resolution = "1m" | "1h";
export const STEP_MINUTES: Record<Resolution, number> = { "1m": 1, "1h": 60 };
const TABLE: Record<Resolution, string> = { "1m": "series_points_1m", "1h": "series_points_1h" };

export interface Window {
  orgId: string;
  siteId?: string;
  from: Date;
  to: Date;
  resolution: Resolution;
}

const PCT = Prisma.raw("ARRAY[0.5, 0.95, 0.99]");

/** Per path and step at the site that measured it: latency, jitter, loss and up share. */
function pathSteps(w: Window) {
  const site = w.siteId ? Prisma.sql`AND "siteId" = ${w.siteId}` : Prisma.empty;
  const table = Prisma.raw(`"${TABLE[w.resolution]}"`);
  const avgOf = (metric: string) =>
    Prisma.sql`sum(x.sum) FILTER (WHERE s.metric = ${metric})
      / nullif(sum(x.count) FILTER (WHERE s.metric = ${metric}), 0)`;
  return Prisma.sql`
    s AS (
      SELECT id, "siteId", "objectId" AS path, metric FROM series
      WHERE "orgId" = ${w.orgId} AND kind = 'path'
        AND metric IN ('latency_ms', 'jitter_ms', 'loss_percent', 'up') ${site}
    ), b AS (
      SELECT s."siteId", s.path, x.ts, ${avgOf("latency_ms")} AS latency,
        ${avgOf("jitter_ms")} AS jitter, ${avgOf("loss_percent")} AS loss, ${avgOf("up")} AS up
      FROM ${table} x JOIN s ON s.id = x."seriesId"
      WHERE x."orgId" = ${w.orgId} AND x.ts >= ${w.from}::timestamptz AND x.ts < ${w.to}::timestamptz
      GROUP BY 1, 2, 3
    )`;
}

const percentiles = (col: string) =>
  Prisma.sql`percentile_cont(${PCT}) WITHIN GROUP (ORDER BY ${Prisma.raw(col)})`;

export interface PathRow {
  siteId: string;
  pathId: string;
  steps: number;
  up: number | null;
  latency: number[] | null;
  jitter: number[] | null;
  loss: number[] | null;
}

export function pathRows(tx: Tx, w: Window) {
  return tx.$queryRaw<PathRow[]>`
    WITH ${pathSteps(w)}
    SELECT "siteId", path AS "pathId", count(*)::int AS steps, avg(up) AS up,
      ${percentiles("latency")} AS latency, ${percentiles("jitter")} AS jitter,
      ${percentiles("loss")} AS loss
    FROM b GROUP BY 1, 2 ORDER BY 1, 2`;
}

export interface SiteRow {
  siteId: string;
  /** Steps with an up share measured, and the sum over them of the best path's up share. */
  measured: number;
  up: number;
}

/** Per site: each step's best path (the highest up share), summed over the measured steps. */
export function siteRows(tx: Tx, w: Window) {
  return tx.$queryRaw<SiteRow[]>`
    WITH ${pathSteps(w)}
    SELECT "siteId", count(*)::int AS measured, sum(best)::float8 AS up
    FROM (SELECT "siteId", ts, max(up) AS best FROM b WHERE up IS NOT NULL GROUP BY 1, 2) t
    GROUP BY 1`;
}

export interface ClassRow {
  /** null: every site of the report together. */
  siteId: string | null;
  slaClassId: string;
  steps: number;
  latency: number[] | null;
  jitter: number[] | null;
  loss: number[] | null;
  compliant: number | null;
  latencyOk: number | null;
  jitterOk: number | null;
  lossOk: number | null;
}

/**
 * Per SLA class (per site, and over all sites): the steps its traffic was placed on a path,
 * with that path's figures in the step. A steering unit is a class's default (`class:<id>`,
 * the app class's SLA class) or a policy (`policy:<id>`, its own SLA class, else its app
 * class's). A step placed on no path ("none") is not compliant; a placement on a path with
 * no figures in that step is left out.
 */
export function classRows(tx: Tx, w: Window) {
  const site = w.siteId ? Prisma.sql`AND s."siteId" = ${w.siteId}` : Prisma.empty;
  const table = Prisma.raw(`"${TABLE[w.resolution]}"`);
  return tx.$queryRaw<ClassRow[]>`
    WITH ${pathSteps(w)}, u AS (
      SELECT 'class:' || id AS unit, "slaClassId" FROM app_classes
      WHERE "orgId" = ${w.orgId} AND "slaClassId" IS NOT NULL
      UNION ALL
      SELECT 'policy:' || p.id, coalesce(p."slaClassId", a."slaClassId")
      FROM steering_policies p LEFT JOIN app_classes a ON a.id = p."appClassId"
      WHERE p."orgId" = ${w.orgId} AND coalesce(p."slaClassId", a."slaClassId") IS NOT NULL
    ), pl AS (
      SELECT DISTINCT s."siteId", u."slaClassId", s.labels::jsonb ->> 'path' AS path, x.ts
      FROM series s JOIN u ON u.unit = s."objectId" JOIN ${table} x ON x."seriesId" = s.id
      WHERE s."orgId" = ${w.orgId} AND s.kind = 'class' AND s.metric = 'placement' ${site}
        AND x."orgId" = ${w.orgId} AND x.ts >= ${w.from}::timestamptz AND x.ts < ${w.to}::timestamptz
    ), j AS (
      SELECT pl."siteId", pl."slaClassId", b.latency, b.jitter, b.loss,
        b.ts IS NOT NULL AND coalesce(b.up, 1) >= 1 AND coalesce(b.latency <= c."maxLatencyMs", false)
          AND coalesce(b.jitter <= c."maxJitterMs", true) AND coalesce(b.loss <= c."maxLossPct", true)
          AS ok,
        b.latency <= c."maxLatencyMs" AS lat_ok, b.jitter <= c."maxJitterMs" AS jit_ok,
        b.loss <= c."maxLossPct" AS loss_ok
      FROM pl JOIN sla_classes c ON c.id = pl."slaClassId" AND c."orgId" = ${w.orgId}
      LEFT JOIN b ON b."siteId" = pl."siteId" AND b.path = pl.path AND b.ts = pl.ts
      WHERE pl.path = 'none' OR b.ts IS NOT NULL
    )
    SELECT "siteId", "slaClassId", count(*)::int AS steps,
      ${percentiles("latency")} AS latency, ${percentiles("jitter")} AS jitter,
      ${percentiles("loss")} AS loss, avg(ok::int)::float8 AS compliant,
      avg(lat_ok::int)::float8 AS "latencyOk", avg(jit_ok::int)::float8 AS "jitterOk",
      avg(loss_ok::int)::float8 AS "lossOk"
    FROM j GROUP BY GROUPING SETS (("siteId", "slaClassId"), ("slaClassId"))`;
}
