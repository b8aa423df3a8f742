// Points into the tenant time series (docs/observability.md, "Tenant time series"), written
// by the ingest channels in the org's batch transaction, set-based: one statement names the
// series that are new (the dictionary, `series`), one inserts every point through unnest.
// Like every ingest statement both join the org's active devices, so a device writes only
// its own series, and the site comes from the device's row, never from the message.
import type { Tx } from "../db/client";
import type { MetricName } from "./catalog";

export type SeriesKind = "device" | "path" | "class";

export interface SeriesPointInput {
  deviceId: string;
  kind: SeriesKind;
  /** The device, path, or class the series measures. */
  objectId: string;
  metric: MetricName;
  /** The rest of the series' identity (a drop reason, a remote site); keep it small. */
  labels?: Readonly<Record<string, string>>;
  ts: Date;
  value: number;
}

/** Canonical text of a label set (sorted keys), the dictionary's key. */
export function labelsText(labels: Readonly<Record<string, string>> | undefined) {
  if (!labels) return "{}";
  const keys = Object.keys(labels).sort();
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, labels[k]])));
}

/**
 * Writes `points` of one org. Idempotent per (series, ts): a redelivered point is kept
 * once (the first one). Non-finite values are skipped. Returns how many points were given.
 */
export async function writeSeriesPoints(
  tx: Tx,
  orgId: string,
  points: readonly SeriesPointInput[],
): Promise<number> {
  const keyIndex = new Map<string, number>();
  const keys: { device: string; kind: string; object: string; metric: string; labels: string }[] =
    [];
  const k: number[] = [];
  const ts: Date[] = [];
  const values: number[] = [];
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue;
    const labels = labelsText(p.labels);
    const key = JSON.stringify([p.deviceId, p.kind, p.objectId, p.metric, labels]);
    let i = keyIndex.get(key);
    if (i === undefined) {
      i = keys.length + 1;
      keyIndex.set(key, i);
      keys.push({ device: p.deviceId, kind: p.kind, object: p.objectId, metric: p.metric, labels });
    }
    k.push(i);
    ts.push(p.ts);
    values.push(p.value);
  }
  if (k.length === 0) return 0;
  const col = <K extends keyof (typeof keys)[number]>(name: K) => keys.map((x) => x[name]);
  // New series first, in a statement of their own: the points' statement then sees them
  // (and those another ingest worker committed meanwhile) in its snapshot.
  await tx.$executeRaw`
    INSERT INTO series ("orgId", kind, "objectId", "siteId", "deviceId", metric, labels)
    SELECT d."orgId", s.kind, s.object, d."siteId", d.id, s.metric, s.labels
    FROM unnest(${col("device")}::text[], ${col("kind")}::text[], ${col("object")}::text[],
                ${col("metric")}::text[], ${col("labels")}::text[])
      AS s(device, kind, object, metric, labels)
    JOIN devices d ON d.id = s.device AND d."orgId" = ${orgId} AND d.status = 'active'
    WHERE NOT EXISTS (
      SELECT 1 FROM series x WHERE x."orgId" = ${orgId} AND x."deviceId" = s.device
        AND x.kind = s.kind AND x."objectId" = s.object AND x.metric = s.metric
        AND x.labels = s.labels)
    ON CONFLICT DO NOTHING`;
  await tx.$executeRaw`
    WITH s AS (
      SELECT x.id, s.k FROM unnest(${col("device")}::text[], ${col("kind")}::text[],
        ${col("object")}::text[], ${col("metric")}::text[], ${col("labels")}::text[])
        WITH ORDINALITY AS s(device, kind, object, metric, labels, k)
      JOIN devices d ON d.id = s.device AND d."orgId" = ${orgId} AND d.status = 'active'
      JOIN series x ON x."orgId" = ${orgId} AND x."deviceId" = s.device AND x.kind = s.kind
        AND x."objectId" = s.object AND x.metric = s.metric AND x.labels = s.labels
    )
    INSERT INTO series_points ("orgId", "seriesId", ts, value)
    SELECT ${orgId}, s.id, p.ts, p.value
    FROM unnest(${k}::int[], ${ts}::timestamptz[], ${values}::float8[]) AS p(k, ts, value)
    JOIN s ON s.k = p.k
    ON CONFLICT ("seriesId", ts) DO NOTHING`;
  return k.length;
}
