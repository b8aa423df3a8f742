// The series sweeps (workers/sweeps.ts): roll raw points up into minutes and minutes into
// hours every minute, and once an hour make the coming days' partitions and apply each
// org's retention (its plan's): whole partitions go when no org keeps them any longer,
// rows of orgs kept shorter are deleted from the partitions that stay.
import type { Db } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import { getRedis, redisKey } from "../../../platform/redis";
import { deletePointsBefore, type Rollup, rollUp } from "../../../platform/series/maintain";
import {
  dropPartitionsBefore,
  ensurePartitions,
  type SeriesTable,
} from "../../../platform/series/partitions";
import { LONGEST_SERIES_RETENTION, type SeriesRetention, seriesRetentionOf } from "../../billing";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Each run redoes this much (late points), and catches up at most this far after an outage. */
const WINDOW: Record<Rollup, { redo: number; catchUp: number }> = {
  "1m": { redo: 10 * MINUTE, catchUp: DAY },
  "1h": { redo: 3 * HOUR, catchUp: 7 * DAY },
};

const markKey = (rollup: Rollup) => redisKey("series", "rolled", rollup);

/** Rolls up what closed since the last run (kept in Redis: any replica may run next). */
export async function rollUpRecent(db: Db, now = new Date()) {
  let rows = 0;
  for (const rollup of ["1m", "1h"] as const) {
    const { redo, catchUp } = WINDOW[rollup];
    const mark = Number(await getRedis().get(markKey(rollup))) || 0;
    const from = Math.max(now.getTime() - catchUp, Math.min(mark, now.getTime() - redo));
    rows += await rollUp(db, rollup, new Date(from), now);
    await getRedis().set(markKey(rollup), String(now.getTime()));
  }
  return rows;
}

export interface OrgRetention {
  orgId: string;
  retention: SeriesRetention;
}

const TABLES: [SeriesTable, keyof SeriesRetention][] = [
  ["series_points", "rawDays"],
  ["series_points_1m", "minuteDays"],
  ["series_points_1h", "hourDays"],
];

/**
 * Applies retention at `now` for `orgs` (every org with series). Partitions that end
 * before the longest retention of them go whole; the points of orgs kept shorter are deleted.
 */
export async function applyRetention(db: Db, now: Date, orgs: readonly OrgRetention[]) {
  let partitions = 0;
  let points = 0;
  for (const [table, field] of TABLES) {
    const longest = orgs.length
      ? Math.max(...orgs.map((o) => o.retention[field]))
      : LONGEST_SERIES_RETENTION[field];
    partitions += await dropPartitionsBefore(db, table, new Date(now.getTime() - longest * DAY));
    const shorter = new Map<number, string[]>();
    for (const o of orgs)
      if (o.retention[field] < longest)
        shorter.set(o.retention[field], [...(shorter.get(o.retention[field]) ?? []), o.orgId]);
    for (const [days, orgIds] of shorter)
      points += await deletePointsBefore(db, table, orgIds, new Date(now.getTime() - days * DAY));
  }
  return { partitions, points };
}

/** Each org with a fleet (only devices write series) and its plan's retention. */
export async function retentionOfOrgs(db: Db): Promise<OrgRetention[]> {
  const orgs = await db.fleetTrust.findMany({ select: { orgId: true } });
  const out: OrgRetention[] = [];
  for (const { orgId } of orgs)
    out.push({
      orgId,
      retention: await withScope(db, { orgId }, (tx) => seriesRetentionOf(tx, orgId)),
    });
  return out;
}

/** The hourly upkeep: partitions from yesterday to three days ahead, then retention. */
export async function maintainSeries(db: Db, now = new Date()) {
  const made = await ensurePartitions(
    db,
    new Date(now.getTime() - DAY),
    new Date(now.getTime() + 3 * DAY),
  );
  const dropped = await applyRetention(db, now, await retentionOfOrgs(db));
  return { made, ...dropped };
}
