// Points into the tenant time series (docs/observability.md, "Tenant time series"), written
// by the ingest channels in the org's batch transaction, set-based: one statement names the
// series that are new (the dictionary, `series`), one inserts every point through unnest;
// once a process knows a batch's series ids (id-cache.ts), one statement does it all.
// Like every ingest statement both check the org's active devices, so a device writes only
// its own series, and the site comes from the device's row, never from the message.
import type { Tx } from "../db/client";
import type { MetricName } from "./catalog";
import { type SeriesIdCache, seriesIdCache } from "./id-cache";

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

interface Batch {
  /** Each series of the batch once: its device and key parts, and its cache key. */
  keys: {
    key: string;
    device: string;
    kind: string;
    object: string;
    metric: string;
    labels: string;
  }[];
  /** Per point: its series (1-based index into keys), time and value. */
  k: number[];
  ts: Date[];
  values: number[];
}

/** A point's series key within its org (the cache's key; id-cache.ts adds the org). */
export const seriesKeyOf = (p: SeriesPointInput) =>
  JSON.stringify([p.deviceId, p.kind, p.objectId, p.metric, labelsText(p.labels)]);

function batchOf(points: readonly SeriesPointInput[]): Batch {
  const keyIndex = new Map<string, number>();
  const b: Batch = { keys: [], k: [], ts: [], values: [] };
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue;
    const labels = labelsText(p.labels);
    const key = seriesKeyOf(p);
    let i = keyIndex.get(key);
    if (i === undefined) {
      i = b.keys.length + 1;
      keyIndex.set(key, i);
      b.keys.push({
        key,
        device: p.deviceId,
        kind: p.kind,
        object: p.objectId,
        metric: p.metric,
        labels,
      });
    }
    b.k.push(i);
    b.ts.push(p.ts);
    b.values.push(p.value);
  }
  return b;
}

/**
 * Writes `points` of one org. Idempotent per (series, ts): a redelivered point is kept
 * once (the first one). Non-finite values are skipped. Returns how many points were given.
 * When `cache` knows every series of the batch (the usual case after a device's first
 * report), the batch is one statement; otherwise the dictionary step runs and fills it.
 */
export async function writeSeriesPoints(
  tx: Tx,
  orgId: string,
  points: readonly SeriesPointInput[],
  cache: SeriesIdCache | null = seriesIdCache,
): Promise<number> {
  const b = batchOf(points);
  if (b.k.length === 0) return 0;
  const ids = cache ? b.keys.map((x) => cache.get(orgId, x.key)) : [];
  if (cache && ids.every((id) => id !== undefined)) {
    const refused = await writeKnown(tx, orgId, b, ids as bigint[]);
    if (refused.length === 0) return b.k.length;
    // A deleted series, a device no longer active: nothing was written; forget them and
    // go the long way for the whole batch.
    for (const i of refused) cache.delete(orgId, b.keys[i - 1]?.key as string);
  }
  const resolved = await resolveSeries(tx, orgId, b);
  if (cache)
    resolved.forEach((id, i) => {
      if (id !== undefined) cache.set(orgId, b.keys[i]?.key as string, id);
    });
  // Points of series that did not resolve (another org's device, one not active) are left out.
  const known = resolved.every((id) => id !== undefined)
    ? b
    : { ...b, ...filterPoints(b, (k) => resolved[k - 1] !== undefined) };
  if (known.k.length)
    await writeKnown(
      tx,
      orgId,
      known,
      resolved.map((id) => id ?? 0n),
    );
  return b.k.length;
}

function filterPoints(b: Batch, keep: (k: number) => boolean) {
  const out = { k: [] as number[], ts: [] as Date[], values: [] as number[] };
  b.k.forEach((k, n) => {
    if (!keep(k)) return;
    out.k.push(k);
    out.ts.push(b.ts[n] as Date);
    out.values.push(b.values[n] as number);
  });
  return out;
}

/**
 * A list as one text parameter (split again by string_to_array in the statement). Prisma
 * hands a JavaScript array to the database element by element, which cost about 20 µs a
 * point in the bench (more than the INSERT itself); one string costs next to nothing.
 * Only for values without commas: numbers, and ids (see writeKnown).
 */
const list = (xs: readonly (number | bigint | string)[]) => xs.join(",");

/**
 * One statement with the series ids known. Every id is checked by primary key against
 * `series` (this org, this device) and its device against `devices` (this org, active);
 * only if all pass do the points go in (one plain unnest INSERT, each point carrying its
 * series id). Returns the series (1-based) that failed: then nothing was written.
 * Times travel as milliseconds since the epoch, values in JavaScript's shortest exact
 * form, so a redelivered point is the same (series, ts) to the unique index.
 */
async function writeKnown(tx: Tx, orgId: string, b: Batch, ids: bigint[]): Promise<number[]> {
  // The series the points name (after filterPoints, not every key of the batch).
  const checkK = [...new Set(b.k)];
  const devices = checkK.map((k) => b.keys[k - 1]?.device as string);
  // A device id with a comma would not survive the list: such a batch fails the check.
  if (devices.some((d) => d.includes(","))) return checkK;
  const refused = await tx.$queryRaw<{ k: number }[]>`
    WITH bad AS MATERIALIZED (
      SELECT s.k FROM unnest(
          string_to_array(${list(checkK.map((k) => ids[k - 1] as bigint))}, ',')::bigint[],
          string_to_array(${list(devices)}, ','),
          string_to_array(${list(checkK)}, ',')::int[])
        AS s(id, device, k)
      WHERE NOT EXISTS (
        SELECT 1 FROM series x JOIN devices d ON d.id = x."deviceId"
        WHERE x.id = s.id AND x."orgId" = ${orgId} AND x."deviceId" = s.device
          AND d."orgId" = ${orgId} AND d.status = 'active')
    ), ins AS (
      INSERT INTO series_points ("orgId", "seriesId", ts, value)
      SELECT ${orgId}, p.id, timestamptz 'epoch' + p.ms * interval '1 millisecond', p.value
      FROM unnest(
          string_to_array(${list(b.k.map((k) => ids[k - 1] as bigint))}, ',')::bigint[],
          string_to_array(${list(b.ts.map((t) => t.getTime()))}, ',')::bigint[],
          string_to_array(${list(b.values)}, ',')::float8[])
        AS p(id, ms, value)
      WHERE NOT EXISTS (SELECT 1 FROM bad)
      ON CONFLICT ("seriesId", ts) DO NOTHING
    )
    SELECT k::int AS k FROM bad`;
  return refused.map((r) => r.k);
}

/**
 * The dictionary step: finds the batch's series, names the new ones, and returns each
 * key's id; series of another org's device, or of one not active, are neither made nor
 * found (undefined). Every read is one table by its leading key columns (the devices by
 * id, the series by org and device: the unique index), and the keys are matched here.
 * A join of the batch to `series` let the planner, on statistics that lag a fast-growing
 * org (or a server without autovacuum), look each key up by an index without the device:
 * every series of the org with that metric, per key (the 10,000-agent connect stalled on
 * it). New series are named in a statement of their own; the ones another ingest worker
 * named meanwhile (the insert skipped them) are read again, in a statement that sees them.
 */
async function resolveSeries(tx: Tx, orgId: string, b: Batch): Promise<(bigint | undefined)[]> {
  const devices = await tx.$queryRaw<{ id: string; siteId: string }[]>`
    SELECT id, "siteId" FROM devices
    WHERE "orgId" = ${orgId} AND status = 'active'
      AND id = ANY(${[...new Set(b.keys.map((x) => x.device))]}::text[])`;
  const siteOf = new Map(devices.map((d) => [d.id, d.siteId]));
  const ids = new Map<string, bigint>();
  // A row's key in the batch's own form (seriesKeyOf): the labels are stored canonical.
  const rowKey = (r: SeriesRow) =>
    JSON.stringify([r.deviceId, r.kind, r.objectId, r.metric, r.labels]);
  const read = async (ofDevices: string[]) => {
    const rows = await tx.$queryRaw<SeriesRow[]>`
      SELECT id, "deviceId", kind, "objectId", metric, labels FROM series
      WHERE "orgId" = ${orgId} AND "deviceId" = ANY(${ofDevices}::text[])`;
    for (const r of rows) ids.set(rowKey(r), BigInt(r.id));
  };
  const ours = b.keys.filter((x) => siteOf.has(x.device));
  if (ours.length) await read([...new Set(ours.map((x) => x.device))]);
  const fresh = ours.filter((x) => !ids.has(x.key));
  if (fresh.length) {
    const col = <K extends Exclude<keyof Batch["keys"][number], "key">>(name: K) =>
      fresh.map((x) => x[name]);
    const made = await tx.$queryRaw<SeriesRow[]>`
      INSERT INTO series ("orgId", kind, "objectId", "siteId", "deviceId", metric, labels)
      SELECT ${orgId}, s.kind, s.object, s.site, s.device, s.metric, s.labels
      FROM unnest(${col("device")}::text[], ${fresh.map((x) => siteOf.get(x.device))}::text[],
                  ${col("kind")}::text[], ${col("object")}::text[], ${col("metric")}::text[],
                  ${col("labels")}::text[])
        AS s(device, site, kind, object, metric, labels)
      ON CONFLICT DO NOTHING
      RETURNING id, "deviceId", kind, "objectId", metric, labels`;
    for (const r of made) ids.set(rowKey(r), BigInt(r.id));
    const skipped = fresh.filter((x) => !ids.has(x.key));
    if (skipped.length) await read([...new Set(skipped.map((x) => x.device))]);
  }
  return b.keys.map((x) => (siteOf.has(x.device) ? ids.get(x.key) : undefined));
}

interface SeriesRow {
  id: bigint | string;
  deviceId: string;
  kind: string;
  objectId: string;
  metric: string;
  labels: string;
}
