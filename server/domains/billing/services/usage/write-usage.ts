// Usage reports into the database, in the ingest's per-org transaction (ingest.ts): each
// device's newest report becomes a delta against its cursor (device_usage, delta.ts), the
// cursor moves to the report, and the org's deltas add to the current hour of usage_hours.
// The org and device come from the topic; only the org's active devices count, so a
// device can only ever add to its own org's usage. Per-class counters, when a report has
// them, go the same way in the same transaction: a delta per class against the cursor's
// classes (class-delta.ts) into usage_class_hours. A report whose `classes` is invalid
// keeps its totals: only its classes are dropped, with a warning (docs/billing.md).

import { type UsageClass, type UsageTelemetryIngest, ZUsageClasses } from "../../../../../protocol";
import type { Tx } from "../../../../platform/db/client";
import { type SeriesPointInput, writeSeriesPoints } from "../../../../platform/series/write";
import { classDeltas, readClassCursor } from "./class-delta";
import { type UsageCursor, usageDelta } from "./delta";
import { usageSeriesPoints } from "./series-points";

type Log = (level: "info" | "warn" | "error", msg: string, fields?: object) => void;

interface CursorRow {
  id: string;
  epoch: number | null;
  rx: number | null;
  tx: number | null;
  at: number | null;
  classes: unknown;
  now: number;
}

/** The report's classes if they are valid; undefined (with a warning) if not. */
function validClasses(
  orgId: string,
  deviceId: string,
  classes: unknown,
  log: Log,
): UsageClass[] | undefined {
  if (classes === undefined) return undefined;
  const r = ZUsageClasses.safeParse(classes);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  log("warn", "usage report's classes dropped", {
    orgId,
    deviceId,
    reason: `${issue?.path.join(".") || "classes"}: ${issue?.message}`,
  });
  return undefined;
}

/** Adds the newest usage report of each device (by device id) to the org's usage. */
export async function writeUsage(
  tx: Tx,
  orgId: string,
  reports: ReadonlyMap<string, UsageTelemetryIngest>,
  log: Log,
) {
  if (reports.size === 0) return;
  // Ingest workers share the devices' messages: one writer per org at a time, so each
  // report is measured against the cursor the one before it stored.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`usage:${orgId}`}, 0))`;
  // Timestamps are UTC without a zone (Prisma's convention), compared as ms since the epoch.
  const rows = await tx.$queryRaw<CursorRow[]>`
    SELECT d.id, u.epoch::float8 AS epoch, u."rxBytes"::float8 AS rx, u."txBytes"::float8 AS tx,
           (extract(epoch FROM u."updatedAt") * 1000)::float8 AS at, u.classes,
           (extract(epoch FROM now()) * 1000)::float8 AS now
    FROM devices d
    LEFT JOIN device_usage u ON u."deviceId" = d.id AND u."orgId" = d."orgId"
    WHERE d."orgId" = ${orgId} AND d.status = 'active' AND d.id = ANY(${[...reports.keys()]}::text[])`;
  if (rows.length < reports.size) {
    const known = new Set(rows.map((r) => r.id));
    const unknown = [...reports.keys()].filter((id) => !known.has(id));
    log("warn", "usage of devices that are not active in the org dropped", { orgId, unknown });
  }
  const added = { rx: 0, tx: 0 };
  const byClass = new Map<string, { rx: number; tx: number }>();
  const classCursors: string[] = [];
  const points: SeriesPointInput[] = [];
  for (const r of rows) {
    const m = (reports.get(r.id) as UsageTelemetryIngest).metrics;
    const prev: UsageCursor | null =
      r.epoch === null ? null : { epoch: r.epoch, rx: r.rx ?? 0, tx: r.tx ?? 0, at: r.at ?? 0 };
    const d = usageDelta(prev, m, r.now);
    if (d.ok) {
      added.rx += d.rx;
      added.tx += d.tx;
    } else log("warn", "usage report refused", { orgId, deviceId: r.id, reason: d.reason });
    const prevClasses = readClassCursor(r.classes);
    const classes = validClasses(orgId, r.id, m.classes, log);
    const c = classDeltas(
      prev && { epoch: prev.epoch, at: prev.at, classes: prevClasses },
      m.epoch,
      classes,
      r.now,
    );
    for (const x of c.refused)
      log("warn", "usage report's class refused", { orgId, deviceId: r.id, ...x });
    points.push(
      ...usageSeriesPoints({
        deviceId: r.id,
        prev,
        epoch: m.epoch,
        added: d.ok ? d : null,
        prevClasses,
        classes: (classes ?? []).map((x) => x.name),
        classAdded: c.add,
        classRefused: new Set(c.refused.map((x) => x.name)),
        nowMs: r.now,
      }),
    );
    for (const [name, v] of c.add) {
      const sum = byClass.get(name) ?? { rx: 0, tx: 0 };
      byClass.set(name, { rx: sum.rx + v.rx, tx: sum.tx + v.tx });
    }
    classCursors.push(JSON.stringify(c.cursor));
  }
  if (rows.length === 0) return;
  // The cursor moves even past a refused report (the next delta is measured from it). In
  // the same epoch each counter keeps its highest value (a stale report lowers nothing);
  // another epoch is a restart and replaces it.
  // The class cursors were merged above (under the lock, so nothing moved them since).
  const metrics = rows.map((r) => (reports.get(r.id) as UsageTelemetryIngest).metrics);
  await tx.$executeRaw`
    INSERT INTO device_usage ("deviceId", "orgId", epoch, "rxBytes", "txBytes", classes, "updatedAt")
    SELECT c.id, ${orgId}, c.epoch, c.rx, c.tx, c.classes::jsonb, now() AT TIME ZONE 'UTC'
    FROM unnest(
      ${rows.map((r) => r.id)}::text[],
      ${metrics.map((m) => BigInt(m.epoch))}::bigint[],
      ${metrics.map((m) => BigInt(m.rx_bytes))}::bigint[],
      ${metrics.map((m) => BigInt(m.tx_bytes))}::bigint[],
      ${classCursors}::text[]
    ) AS c(id, epoch, rx, tx, classes)
    ON CONFLICT ("deviceId") DO UPDATE SET epoch = excluded.epoch, classes = excluded.classes,
      "rxBytes" = CASE WHEN device_usage.epoch = excluded.epoch
        THEN GREATEST(device_usage."rxBytes", excluded."rxBytes") ELSE excluded."rxBytes" END,
      "txBytes" = CASE WHEN device_usage.epoch = excluded.epoch
        THEN GREATEST(device_usage."txBytes", excluded."txBytes") ELSE excluded."txBytes" END,
      "updatedAt" = excluded."updatedAt"`;
  // Throughput per device and class, as time series (docs/observability.md).
  await writeSeriesPoints(tx, orgId, points);
  if (byClass.size > 0) {
    const names = [...byClass.keys()];
    await tx.$executeRaw`
      INSERT INTO usage_class_hours ("orgId", hour, class, "rxBytes", "txBytes")
      SELECT ${orgId}, date_trunc('hour', now() AT TIME ZONE 'UTC'), c.name, c.rx, c.tx
      FROM unnest(
        ${names}::text[],
        ${names.map((n) => BigInt(byClass.get(n)?.rx ?? 0))}::bigint[],
        ${names.map((n) => BigInt(byClass.get(n)?.tx ?? 0))}::bigint[]
      ) AS c(name, rx, tx)
      ON CONFLICT ("orgId", hour, class) DO UPDATE SET
        "rxBytes" = usage_class_hours."rxBytes" + excluded."rxBytes",
        "txBytes" = usage_class_hours."txBytes" + excluded."txBytes"`;
  }
  if (added.rx === 0 && added.tx === 0) return;
  // The hour of arrival, by the database's clock: device clocks are not trusted.
  await tx.$executeRaw`
    INSERT INTO usage_hours ("orgId", hour, "rxBytes", "txBytes")
    VALUES (${orgId}, date_trunc('hour', now() AT TIME ZONE 'UTC'),
            ${BigInt(added.rx)}, ${BigInt(added.tx)})
    ON CONFLICT ("orgId", hour) DO UPDATE SET
      "rxBytes" = usage_hours."rxBytes" + excluded."rxBytes",
      "txBytes" = usage_hours."txBytes" + excluded."txBytes"`;
}
