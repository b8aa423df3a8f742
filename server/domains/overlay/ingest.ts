// What devices report about the overlay, into the database (docs/overlay.md): the retained
// `overlay` status (tunnel key, tunnels), `paths` measurements every few seconds, and
// `events` (failovers, path state changes). Batched per org by the fleet ingest; one
// statement per kind and batch. The org and device always come from the topic, never the payload,
// and every statement joins the org's active device rows, so a device writes only its own.
// Device times are kept (queued events are from the past) but never later than now: a box
// with a clock running ahead must not pin a path's health or the top of the timeline.

import {
  type OverlayStatus,
  type PathEvent,
  type PathReport,
  ZOverlayStatus,
  ZPathEvents,
  ZPathReport,
} from "../../../protocol";
import type { Tx } from "../../platform/db/client";
import { signalChange } from "../../platform/events/changes";
import { type AnyEvent, emitEach } from "../../platform/events/emit-event";
import { everyItem, latestPerDevice } from "../../platform/features/ingest-channels";
import { getRedis, orgSlot, redisKey } from "../../platform/redis";
import { writeSeriesPoints } from "../../platform/series/write";
import { bumpRevision, devicesReason } from "../fleet";
import { pathSeriesPoints } from "./series-points";

/** How long the latest path report of a device is kept in Redis when it stops sending. */
const PATH_REPORT_TTL_SECONDS = 3600;

/**
 * Redis key of a device's latest path report (a JSON PathReport message). Under the org's
 * hash tag: an ingest batch writes many devices' keys in one MULTI.
 */
export const pathReportKey = (orgId: string, deviceId: string) =>
  redisKey("fleet", "paths", orgSlot(orgId), deviceId);

/** The retained `overlay` status: tunnel key and tunnels; a changed key bumps the revision. */
export const overlayStatusChannel = latestPerDevice({
  channel: "overlay",
  schema: ZOverlayStatus,
  write: (tx, orgId, latest) => writeStatuses(tx, orgId, latest),
});

/**
 * `paths` measurements every few seconds: each report becomes samples. A retained report
 * would be stored again at every resubscription. While writes fail (database away), at
 * most 20,000 reports wait; the next report replaces them anyway.
 */
export const pathsChannel = everyItem({
  channel: "paths",
  schema: ZPathReport,
  skipRetained: true,
  max: 20_000,
  items: (report) => [report],
  write: (tx, orgId, reports) => writePaths(tx, orgId, reports),
  afterCommit: (orgId, reports) => cacheLatestPaths(orgId, reports),
});

/** `events` (failovers, path state changes); redeliveries are dropped by (device, event id). */
export const pathEventsChannel = everyItem({
  channel: "events",
  schema: ZPathEvents,
  max: 100_000,
  items: (message) => message.events,
  write: (tx, orgId, events) => writeEvents(tx, orgId, events),
});

async function writeStatuses(tx: Tx, orgId: string, statuses: ReadonlyMap<string, OverlayStatus>) {
  const rows = [...statuses];
  // `selection` comes from `paths` (writePaths): a new status keeps the last one.
  const changed = await tx.$queryRaw<{ id: string; hostname: string; siteId: string }[]>`
    WITH s AS (
      SELECT * FROM unnest(
        ${rows.map(([id]) => id)}::text[],
        ${rows.map(([, s]) => s.publicKey)}::text[],
        ${rows.map(([, s]) => JSON.stringify(s))}::text[],
        ${rows.map(([, s]) => s.at)}::timestamptz[]
      ) AS s(id, key, status, at)
    ), prev AS (
      SELECT d.id, d."overlayPublicKey" AS key FROM devices d JOIN s ON s.id = d.id
      WHERE d."orgId" = ${orgId} AND d.status = 'active'
    ), updated AS (
      UPDATE devices SET
        "overlayPublicKey" = s.key,
        "overlayStatus" = s.status::jsonb || jsonb_build_object(
          'selection', coalesce(devices."overlayStatus" -> 'selection', '[]'::jsonb)),
        "overlayStatusAt" = LEAST(s.at, now()),
        "updatedAt" = now()
      FROM s JOIN prev ON prev.id = s.id
      WHERE devices.id = s.id AND devices."orgId" = ${orgId} AND devices.status = 'active'
      RETURNING devices.id, devices.hostname, devices."siteId", prev.key IS DISTINCT FROM s.key AS changed
    )
    SELECT id, hostname, "siteId" FROM updated WHERE changed ORDER BY hostname, id`;
  if (changed.length === 0) return;
  // Only a device at a site with an enabled WAN link can be anyone's peer; other keys
  // change no config, and orgs without the overlay get no revisions from their agents.
  const inOverlay = await tx.$queryRaw<{ siteId: string }[]>`
    SELECT DISTINCT "siteId" FROM wan_links
    WHERE "orgId" = ${orgId} AND enabled AND "siteId" = ANY(${changed.map((d) => d.siteId)}::text[])`;
  const sites = new Set(inOverlay.map((s) => s.siteId));
  const names = changed.filter((d) => sites.has(d.siteId)).map((d) => d.hostname);
  if (names.length === 0) return;
  await bumpRevision(tx, orgId, null, devicesReason("tunnel key", "tunnel keys", names));
}

async function writePaths(tx: Tx, orgId: string, reports: readonly [string, PathReport][]) {
  const samples = reports.flatMap(([deviceId, r]) =>
    r.paths.map((p) => ({ deviceId, at: r.at, p })),
  );
  if (samples.length) {
    await tx.$executeRaw`
      INSERT INTO path_samples ("orgId", "siteId", "deviceId", "pathId", at, up,
                                "latencyMs", "jitterMs", "lossPct", mos)
      SELECT d."orgId", d."siteId", d.id, s.path, LEAST(s.at, now()), s.up, s.latency, s.jitter, s.loss, s.mos
      FROM unnest(
        ${samples.map((s) => s.deviceId)}::text[],
        ${samples.map((s) => s.p.id)}::text[],
        ${samples.map((s) => s.at)}::timestamptz[],
        ${samples.map((s) => s.p.state === "up")}::bool[],
        ${samples.map((s) => s.p.latencyMs)}::float8[],
        ${samples.map((s) => s.p.jitterMs)}::float8[],
        ${samples.map((s) => s.p.lossPct)}::float8[],
        ${samples.map((s) => s.p.mos)}::float8[]
      ) AS s(device, path, at, up, latency, jitter, loss, mos)
      JOIN devices d ON d.id = s.device AND d."orgId" = ${orgId} AND d.status = 'active'`;
  }
  // The same measurements, and the class placement, as time series (raw, then rolled up).
  await writeSeriesPoints(tx, orgId, pathSeriesPoints(reports, Date.now()));
  // The API reads where each unit goes now from devices.overlayStatus.selection.
  const latest = [...new Map(reports.map(([id, r]) => [id, r.selection])).entries()];
  await tx.$executeRaw`
    UPDATE devices SET "overlayStatus" =
      coalesce(devices."overlayStatus", '{}'::jsonb) || jsonb_build_object('selection', s.selection::jsonb)
    FROM unnest(
      ${latest.map(([id]) => id)}::text[],
      ${latest.map(([, sel]) => JSON.stringify(sel))}::text[]
    ) AS s(id, selection)
    WHERE devices.id = s.id AND devices."orgId" = ${orgId} AND devices.status = 'active'
      AND devices."overlayStatus" -> 'selection' IS DISTINCT FROM s.selection::jsonb`;
}

async function writeEvents(tx: Tx, orgId: string, events: readonly [string, PathEvent][]) {
  const rows = [...new Map(events.map((e) => [`${e[0]}/${e[1].id}`, e])).values()];
  const inserted = await tx.$queryRaw<InsertedPathEvent[]>`
    INSERT INTO path_events (id, "orgId", "siteId", "deviceId", "eventId", at, kind, unit,
                             "unitName", "remoteSiteId", "fromPath", "toPath", reason, metrics)
    SELECT gen_random_uuid()::text, d."orgId", d."siteId", d.id, e.event, LEAST(e.at, now()), e.kind, e.unit,
           e.unit_name, e.remote_site, e.from_path, e.to_path, e.reason, e.metrics::jsonb
    FROM unnest(
      ${rows.map(([id]) => id)}::text[],
      ${rows.map(([, e]) => e.id)}::text[],
      ${rows.map(([, e]) => e.at)}::timestamptz[],
      ${rows.map(([, e]) => e.kind)}::text[],
      ${rows.map(([, e]) => e.unit)}::text[],
      ${rows.map(([, e]) => e.unitName)}::text[],
      ${rows.map(([, e]) => e.remoteSiteId)}::text[],
      ${rows.map(([, e]) => e.fromPath)}::text[],
      ${rows.map(([, e]) => e.toPath)}::text[],
      ${rows.map(([, e]) => e.reason)}::text[],
      ${rows.map(([, e]) => (e.metrics ? JSON.stringify(e.metrics) : null))}::text[]
    ) AS e(device, event, at, kind, unit, unit_name, remote_site, from_path, to_path, reason, metrics)
    JOIN devices d ON d.id = e.device AND d."orgId" = ${orgId} AND d.status = 'active'
    ON CONFLICT ("deviceId", "eventId") DO NOTHING
    RETURNING "siteId", "deviceId", kind, "unitName" AS unit, "fromPath", "toPath", reason, at`;
  if (inserted.length > 0) await signalChange(tx, orgId, "paths");
  // Only new events (a redelivered one inserted nothing) become webhook events.
  await emitEach(
    tx,
    orgId,
    inserted.flatMap((e): AnyEvent[] => {
      const type = WEBHOOK_TYPE[e.kind];
      if (!type) return [];
      const data = {
        siteId: e.siteId,
        deviceId: e.deviceId,
        unit: e.unit,
        fromPath: e.fromPath,
        toPath: e.toPath,
        reason: e.reason,
        at: e.at.toISOString(),
      };
      return [{ type, data }];
    }),
  );
}

interface InsertedPathEvent {
  siteId: string;
  deviceId: string;
  kind: string;
  unit: string;
  fromPath: string | null;
  toPath: string | null;
  reason: string;
  at: Date;
}

/** Path event kinds that are webhook events (sla_violation and the initial selection are not). */
const WEBHOOK_TYPE: Record<string, "path.down" | "path.up" | "path.failover"> = {
  path_down: "path.down",
  path_up: "path.up",
  failover: "path.failover",
  failback: "path.failover",
};

/** Keeps each device's latest path report in Redis, for live views. */
async function cacheLatestPaths(orgId: string, reports: readonly [string, PathReport][]) {
  if (reports.length === 0) return;
  const multi = getRedis().multi();
  for (const [deviceId, r] of new Map(reports))
    multi.set(pathReportKey(orgId, deviceId), JSON.stringify(r), "EX", PATH_REPORT_TTL_SECONDS);
  await multi.exec();
}
