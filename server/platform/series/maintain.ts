// Downsampling and retention of the tenant time series, across every org in one statement
// per step: the transaction sets app.series_maintainer, which the point tables' policies
// let read and write every org's rows (each row keeps its own orgId). Only the
// series.maintain sweep calls these.
import { type Db, Prisma, type Tx } from "../db/client";
import { withScope } from "../db/with-tenant";
import type { SeriesTable } from "./partitions";

export type Rollup = "1m" | "1h";

export const STEP_MS: Record<Rollup, number> = { "1m": 60_000, "1h": 3_600_000 };

/** `at` rounded down to a whole step (UTC). */
export const floorTo = (at: Date, stepMs: number) =>
  new Date(Math.floor(at.getTime() / stepMs) * stepMs);

function asMaintainer<T>(db: Db, fn: (tx: Tx) => Promise<T>) {
  return withScope(
    db,
    {},
    async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.series_maintainer', 'on', true)`;
      return fn(tx);
    },
    { timeoutMs: 120_000 },
  );
}

/**
 * Computes the `rollup` rows of the whole steps in [from, to) from the finer table (raw
 * points for minutes, minutes for hours) and writes them over what was there. Idempotent:
 * running a window again gives the same rows, so windows may overlap and late points are
 * taken in by the next run over their step. Returns the rows written.
 */
export function rollUp(db: Db, rollup: Rollup, from: Date, to: Date) {
  const a = floorTo(from, STEP_MS[rollup]);
  const b = floorTo(to, STEP_MS[rollup]);
  if (b <= a) return Promise.resolve(0);
  return asMaintainer(db, (tx) =>
    rollup === "1m"
      ? tx.$executeRaw`
          INSERT INTO series_points_1m ("orgId", "seriesId", ts, min, max, sum, count)
          SELECT "orgId", "seriesId", date_bin('1 minute', ts, TIMESTAMPTZ 'epoch'),
                 min(value), max(value), sum(value), count(*)
          FROM series_points WHERE ts >= ${a}::timestamptz AND ts < ${b}::timestamptz
          GROUP BY 1, 2, 3
          ON CONFLICT ("seriesId", ts) DO UPDATE SET "orgId" = excluded."orgId",
            min = excluded.min, max = excluded.max, sum = excluded.sum, count = excluded.count`
      : tx.$executeRaw`
          INSERT INTO series_points_1h ("orgId", "seriesId", ts, min, max, sum, count)
          SELECT "orgId", "seriesId", date_bin('1 hour', ts, TIMESTAMPTZ 'epoch'),
                 min(min), max(max), sum(sum), sum(count)
          FROM series_points_1m WHERE ts >= ${a}::timestamptz AND ts < ${b}::timestamptz
          GROUP BY 1, 2, 3
          ON CONFLICT ("seriesId", ts) DO UPDATE SET "orgId" = excluded."orgId",
            min = excluded.min, max = excluded.max, sum = excluded.sum, count = excluded.count`,
  );
}

/** Deletes the points of `orgIds` in `table` before `before` (orgs kept shorter than others). */
export function deletePointsBefore(db: Db, table: SeriesTable, orgIds: string[], before: Date) {
  if (orgIds.length === 0) return Promise.resolve(0);
  const name = Prisma.raw(`"${table}"`);
  return asMaintainer(
    db,
    (tx) => tx.$executeRaw`
      DELETE FROM ${name} WHERE "orgId" = ANY(${orgIds}::text[]) AND ts < ${before}::timestamptz`,
  );
}
