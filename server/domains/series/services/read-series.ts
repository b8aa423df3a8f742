// The read API of the tenant time series: one metric of a site, device, path or class over
// a window, at a resolution chosen for the window (or asked for), combined across the
// object's series per step (a site's devices' rates add up, a path's two ends average).
import type { Tx } from "../../../platform/db/client";
import { Prisma } from "../../../platform/db/client";
import { AppError } from "../../../platform/errors";
import { METRICS } from "../../../platform/series/catalog";
import { type SeriesRetention, seriesRetentionOf } from "../../billing";
import type { SeriesQuery, SeriesResolution, SeriesResult } from "../schemas";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Raw points come every few seconds: they are read in steps of this many seconds. */
export const RAW_STEP_SECONDS = 10;

const RES: Record<SeriesResolution, { table: string; step: number; maxWindow: number }> = {
  raw: { table: "series_points", step: RAW_STEP_SECONDS, maxWindow: 6 * HOUR },
  "1m": { table: "series_points_1m", step: 60, maxWindow: 7 * DAY },
  "1h": { table: "series_points_1h", step: 3600, maxWindow: 1000 * DAY },
};
const KEPT: Record<SeriesResolution, keyof SeriesRetention> = {
  raw: "rawDays",
  "1m": "minuteDays",
  "1h": "hourDays",
};

/** Pure: the finest resolution that fits the window and still holds its start. */
export function chooseResolution(from: Date, to: Date, now: Date, kept: SeriesRetention) {
  const window = to.getTime() - from.getTime();
  const order: SeriesResolution[] = ["raw", "1m", "1h"];
  const byWindow = window <= HOUR ? 0 : window <= 2 * DAY ? 1 : 2;
  for (const r of order.slice(byWindow))
    if (from.getTime() >= now.getTime() - kept[KEPT[r]] * DAY) return r;
  return "1h";
}

/** Which of the org's series an object's query covers. */
function selector(kind: SeriesQuery["kind"], id: string, seriesKind: string) {
  switch (kind) {
    case "site":
      return Prisma.sql`"siteId" = ${id} AND kind = ${seriesKind}`;
    case "device":
      return Prisma.sql`"deviceId" = ${id} AND kind = ${seriesKind}`;
    default:
      return Prisma.sql`kind = ${kind} AND "objectId" = ${id}`;
  }
}

/** Another org's object, or one that does not exist, is NOT_FOUND. */
async function assertObject(tx: Tx, orgId: string, kind: SeriesQuery["kind"], id: string) {
  const found =
    kind === "site"
      ? await tx.site.findFirst({ where: { orgId, id }, select: { id: true } })
      : kind === "device"
        ? await tx.device.findFirst({ where: { orgId, id }, select: { id: true } })
        : await tx.series.findFirst({ where: { orgId, kind, objectId: id }, select: { id: true } });
  if (!found) throw new AppError("NOT_FOUND", `No such ${kind} in this organization`);
}

interface Row {
  labels: string;
  at: Date;
  avg: number;
  min: number;
  max: number;
}

/** A read's window: `to` (default now) after `from`, and a resolution that can answer it. */
export interface SeriesWindow {
  from: Date;
  to: Date;
  resolution: SeriesResolution;
  stepSeconds: number;
  /** The table of that resolution, for a query's FROM. */
  table: Prisma.Sql;
}

/**
 * Checks a read's window and settles its resolution: `auto` by chooseResolution (never
 * finer than `finest`), an explicit one only if it answers a window this long.
 */
export async function seriesWindow(
  tx: Tx,
  orgId: string,
  q: { from: Date; to?: Date; resolution: "auto" | SeriesResolution },
  now: Date,
  finest: SeriesResolution = "raw",
): Promise<SeriesWindow> {
  const to = q.to ?? now;
  if (to.getTime() <= q.from.getTime())
    throw new AppError("BAD_REQUEST", "`to` must be after `from`", { to: "must be after from" });
  let resolution =
    q.resolution === "auto"
      ? chooseResolution(q.from, to, now, await seriesRetentionOf(tx, orgId))
      : q.resolution;
  if (q.resolution === "auto" && RES[resolution].step < RES[finest].step) resolution = finest;
  const r = RES[resolution];
  if (to.getTime() - q.from.getTime() > r.maxWindow)
    throw new AppError(
      "BAD_REQUEST",
      `A window this long needs a coarser resolution than ${resolution}`,
      { resolution: `at most ${r.maxWindow / HOUR} hours at ${resolution}` },
    );
  return {
    from: q.from,
    to,
    resolution,
    stepSeconds: r.step,
    table: Prisma.raw(`"${r.table}"`),
  };
}

/** One series' average, min and max over a step, from the raw points or a rollup (`x`). */
export const perSeriesStep = (resolution: SeriesResolution) =>
  resolution === "raw"
    ? Prisma.sql`avg(x.value) AS avg, min(x.value) AS min, max(x.value) AS max`
    : Prisma.sql`sum(x.sum) / sum(x.count) AS avg, min(x.min) AS min, max(x.max) AS max`;

export async function readSeries(
  tx: Tx,
  orgId: string,
  q: Omit<SeriesQuery, "orgSlug">,
  now = new Date(),
): Promise<SeriesResult> {
  const { to, resolution, stepSeconds, table } = await seriesWindow(tx, orgId, q, now);
  await assertObject(tx, orgId, q.kind, q.id);
  const def = METRICS[q.metric];
  // Per series and step, then across series: rates add up, gauges average.
  const perSeries = perSeriesStep(resolution);
  const across =
    def.combine === "sum"
      ? Prisma.sql`sum(avg) AS avg, sum(min) AS min, sum(max) AS max`
      : Prisma.sql`avg(avg) AS avg, min(min) AS min, max(max) AS max`;
  const step = Prisma.raw(`'${stepSeconds} seconds'`);
  const rows = await tx.$queryRaw<Row[]>`
    WITH s AS (
      SELECT id, labels FROM series
      WHERE "orgId" = ${orgId} AND metric = ${q.metric} AND ${selector(q.kind, q.id, def.kind)}
    ), b AS (
      SELECT s.labels, date_bin(${step}::interval, x.ts, TIMESTAMPTZ 'epoch') AS at, ${perSeries}
      FROM ${table} x JOIN s ON s.id = x."seriesId"
      WHERE x."orgId" = ${orgId} AND x.ts >= ${q.from}::timestamptz AND x.ts < ${to}::timestamptz
      GROUP BY s.labels, x."seriesId", 2
    )
    SELECT labels, at, ${across} FROM b GROUP BY labels, at ORDER BY labels, at`;
  const lines = new Map<string, SeriesResult["lines"][number]>();
  for (const row of rows) {
    let line = lines.get(row.labels);
    if (!line) {
      line = { labels: JSON.parse(row.labels) as Record<string, string>, points: [] };
      lines.set(row.labels, line);
    }
    line.points.push({ at: row.at, avg: row.avg, min: row.min, max: row.max });
  }
  return {
    kind: q.kind,
    id: q.id,
    metric: q.metric,
    unit: def.unit,
    combine: def.combine,
    resolution,
    stepSeconds,
    from: q.from,
    to,
    lines: [...lines.values()],
  };
}
