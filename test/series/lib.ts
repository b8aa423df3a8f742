// Orgs with devices for the series tests, and points written the way the ingest writes them.
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { type SeriesPointInput, writeSeriesPoints } from "../../server/platform/series/write";
import { createDeviceRows } from "../../testkit/factories/fleet-db";
import { callerFor, createOrgWithOwner } from "../../testkit/factories/identity";

/** An org with one site named `siteName` and `devices` active devices in it. */
export async function seriesOrg(siteName = "HQ", devices = 1) {
  const o = await createOrgWithOwner();
  const caller = callerFor(o.owner);
  const site = await caller.site.create({ orgSlug: o.slug, name: siteName });
  const deviceIds = await createDeviceRows(
    o.org.id,
    site.id,
    Array.from({ length: devices }, (_, i) => ({ hostname: `box-${i}` })),
  );
  return { ...o, orgId: o.org.id, caller, siteId: site.id, deviceIds };
}
export type SeriesOrg = Awaited<ReturnType<typeof seriesOrg>>;

export const writePoints = (orgId: string, points: SeriesPointInput[]) =>
  withScope(getDb(), { orgId }, (tx) => writeSeriesPoints(tx, orgId, points));

/** What the org's scope shows of a point table (raw values as `value`). */
export function pointsOf(
  orgId: string,
  table: "series_points" | "series_points_1m" | "series_points_1h",
) {
  return withScope(getDb(), { orgId }, (tx) =>
    tx.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT "orgId", "seriesId"::text AS "seriesId", ts, ${
        table === "series_points" ? "value" : "min, max, sum, count"
      } FROM ${table} WHERE "orgId" = $1 ORDER BY "seriesId", ts`,
      orgId,
    ),
  );
}

export const at = (iso: string) => new Date(iso);

/** A device's received-bits point, the series the store tests write most. */
export const rx = (deviceId: string, ts: Date, value: number) =>
  ({
    deviceId,
    kind: "device",
    objectId: deviceId,
    metric: "rx_bits_per_second",
    ts,
    value,
  }) as const;
