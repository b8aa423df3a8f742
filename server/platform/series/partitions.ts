// The point tables' range partitions (docs/observability.md, "Tenant time series"): raw
// points by UTC day, the minute and hour rollups by UTC month. The app role owns no table,
// so the DDL runs in the migration's SECURITY DEFINER functions (series_add_partition,
// series_drop_partitions), which touch nothing but these three tables.
import type { Db, Tx } from "../db/client";

export const SERIES_TABLES = ["series_points", "series_points_1m", "series_points_1h"] as const;
export type SeriesTable = (typeof SERIES_TABLES)[number];

const DAY = 86_400_000;

/** The UTC day or month that holds `at`, as [from, to). */
export function rangeOf(table: SeriesTable, at: Date): [Date, Date] {
  if (table === "series_points") {
    const from = Math.floor(at.getTime() / DAY) * DAY;
    return [new Date(from), new Date(from + DAY)];
  }
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  return [new Date(Date.UTC(y, m, 1)), new Date(Date.UTC(y, m + 1, 1))];
}

/** Every partition range of `table` that [from, to] touches. */
export function rangesBetween(table: SeriesTable, from: Date, to: Date): [Date, Date][] {
  const out: [Date, Date][] = [];
  for (let r = rangeOf(table, from); r[0] <= to; r = rangeOf(table, r[1])) out.push(r);
  return out;
}

/** Makes the partitions of [from, to] of every series table; returns how many were new. */
export async function ensurePartitions(db: Db | Tx, from: Date, to: Date) {
  let made = 0;
  for (const table of SERIES_TABLES)
    for (const [a, b] of rangesBetween(table, from, to)) {
      const [row] = await db.$queryRaw<{ made: boolean }[]>`
        SELECT series_add_partition(${table}, ${a}::timestamptz, ${b}::timestamptz) AS made`;
      if (row?.made) made++;
    }
  return made;
}

/** Drops `table`'s partitions that end at or before `before`; returns how many. */
export async function dropPartitionsBefore(db: Db | Tx, table: SeriesTable, before: Date) {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT series_drop_partitions(${table}, ${before}::timestamptz) AS n`;
  return row?.n ?? 0;
}

/** `table`'s range partitions, oldest first. */
export function partitionsOf(db: Db | Tx, table: SeriesTable) {
  return db.$queryRaw<{ name: string; from: Date; to: Date }[]>`
    SELECT name, range_from AS "from", range_to AS "to" FROM series_partitions(${table})`;
}
