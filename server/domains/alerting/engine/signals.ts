// What the evaluator reads of an org: one set-based statement per kind of rule, each
// returning the objects whose condition holds now and since when (docs/alerting.md).
import type { Tx } from "../../../platform/db/client";
import type { RuleKind } from "../rules/catalog";

/** One object whose condition holds, before rules decide whether it fires. */
export interface Signal {
  kind: RuleKind;
  /** Unique within the org and kind: the object it is about. */
  objectKey: string;
  objectType: "device" | "path" | "class" | "rollout" | "revision" | "org";
  objectId: string;
  objectName: string;
  siteId: string | null;
  /** Tags of the device it is about (rules scoped by tag match them). */
  tags: string[];
  since: Date;
  summary: string;
  /** For correlation and thresholds. */
  deviceId?: string;
  pathId?: string;
  remoteSiteId?: string | null;
  /** sla_violation: the class or policy name; failover_storm: its number of changes. */
  unitName?: string;
  changes?: number;
  /** failover_storm: when each change happened, oldest first (a rule counts its own window). */
  times?: Date[];
  /** quota: how full, in percent. */
  percent?: number;
}

/** Path event history is considered for this long (older states are history). */
const STATE_HOURS = 24;

interface DeviceRow {
  id: string;
  hostname: string;
  siteId: string;
  tags: string[];
}

/** A signal about one device (offline, failed config, expiring certificate). */
const deviceSignal = (kind: RuleKind, d: DeviceRow, since: Date, summary: string): Signal => ({
  kind,
  objectKey: d.id,
  objectType: "device",
  objectId: d.id,
  objectName: d.hostname,
  siteId: d.siteId,
  tags: d.tags,
  since,
  deviceId: d.id,
  summary,
});

interface EventRow extends DeviceRow {
  deviceId: string;
  unit: string;
  unitName: string;
  remoteSiteId: string | null;
  fromPath: string | null;
  reason: string;
  at: Date;
}

/**
 * The newest path state per device, unit and remote site within STATE_HOURS, on active
 * devices: a path's (`path:<id>` units: path_down / path_up) and each class's or policy's
 * SLA state (sla_violation, cleared by sla_ok or by the class moving to another path:
 * failover, failback), in one statement; the firing ones become signals.
 */
export async function pathStates(
  tx: Tx,
  orgId: string,
  want: { paths: boolean; sla: boolean },
): Promise<Signal[]> {
  const rows = await tx.$queryRaw<(EventRow & { kind: string })[]>`
    SELECT * FROM (
      SELECT DISTINCT ON (e."deviceId", e.unit, coalesce(e."remoteSiteId", ''))
        e."deviceId", e.kind, e.unit, e."unitName", e."remoteSiteId", e."fromPath", e.reason,
        e.at, d.hostname, d."siteId", d.tags, d.id
      FROM path_events e
      JOIN devices d ON d.id = e."deviceId" AND d."orgId" = e."orgId" AND d.status = 'active'
      WHERE e."orgId" = ${orgId}
        AND e.kind IN ('path_down', 'path_up', 'sla_violation', 'sla_ok', 'failover', 'failback')
        AND e.at > now() - ${STATE_HOURS}::int * interval '1 hour'
      ORDER BY e."deviceId", e.unit, coalesce(e."remoteSiteId", ''), e.at DESC, e."createdAt" DESC
    ) newest WHERE kind IN ('path_down', 'sla_violation')`;
  return rows.flatMap((e): Signal[] => {
    if (e.kind === "path_down" && want.paths && e.fromPath && e.unit.startsWith("path:"))
      return [
        {
          kind: "path_down",
          objectKey: `${e.deviceId}:${e.fromPath}`,
          objectType: "path",
          objectId: e.fromPath,
          objectName: `${e.unitName} (${e.hostname})`,
          siteId: e.siteId,
          tags: e.tags,
          since: e.at,
          deviceId: e.deviceId,
          pathId: e.fromPath,
          remoteSiteId: e.remoteSiteId,
          summary: `path ${e.unitName} down as ${e.hostname} sees it: ${e.reason}`,
        },
      ];
    if (e.kind === "sla_violation" && want.sla)
      return [
        {
          kind: "sla_violation",
          objectKey: `${e.deviceId}:${e.unit}:${e.remoteSiteId ?? ""}`,
          objectType: "class",
          objectId: e.unit,
          objectName: `${e.unitName} (${e.hostname})`,
          siteId: e.siteId,
          tags: e.tags,
          since: e.at,
          deviceId: e.deviceId,
          pathId: e.fromPath ?? undefined,
          remoteSiteId: e.remoteSiteId,
          unitName: e.unitName,
          summary: `${e.unitName} misses its SLA on ${e.hostname}: ${e.reason}`,
        },
      ];
    return [];
  });
}

/** Failovers and failbacks per device, unit and remote site within the widest window asked. */
export async function failoverStorm(
  tx: Tx,
  orgId: string,
  windowSeconds: number,
): Promise<Signal[]> {
  const rows = await tx.$queryRaw<
    (DeviceRow & {
      deviceId: string;
      unit: string;
      unitName: string;
      remoteSiteId: string | null;
      changes: number;
      since: Date;
      times: Date[];
    })[]
  >`
    SELECT e."deviceId", e.unit, max(e."unitName") AS "unitName", e."remoteSiteId",
      count(*)::int AS changes, min(e.at) AS since, array_agg(e.at ORDER BY e.at) AS times,
      d.hostname, d."siteId", d.tags, d.id
    FROM path_events e
    JOIN devices d ON d.id = e."deviceId" AND d."orgId" = e."orgId" AND d.status = 'active'
    WHERE e."orgId" = ${orgId} AND e.kind IN ('failover', 'failback')
      AND e.at > now() - make_interval(secs => ${windowSeconds})
    GROUP BY e."deviceId", e.unit, e."remoteSiteId", d.hostname, d."siteId", d.tags, d.id
    HAVING count(*) >= 2`;
  return rows.map((e) => ({
    kind: "failover_storm",
    objectKey: `${e.deviceId}:${e.unit}:${e.remoteSiteId ?? ""}`,
    objectType: "class",
    objectId: e.unit,
    objectName: `${e.unitName} (${e.hostname})`,
    siteId: e.siteId,
    tags: e.tags,
    since: e.since,
    deviceId: e.deviceId,
    remoteSiteId: e.remoteSiteId,
    unitName: e.unitName,
    changes: e.changes,
    times: e.times,
    summary: `${e.unitName} on ${e.hostname} moved between paths ${e.changes} times`,
  }));
}

export async function rolloutHalted(tx: Tx, orgId: string): Promise<Signal[]> {
  const rows = await tx.$queryRaw<
    { id: string; revision: number; haltReason: string | null; since: Date }[]
  >`
    SELECT r.id, r.revision, r."haltReason", coalesce(r."finishedAt", r."startedAt") AS since
    FROM rollouts r
    WHERE r."orgId" = ${orgId} AND r.status = 'halted'
      AND NOT EXISTS (SELECT 1 FROM rollouts n WHERE n."orgId" = r."orgId" AND n.revision > r.revision)`;
  return rows.map((r) => ({
    kind: "rollout_halted",
    objectKey: r.id,
    objectType: "rollout",
    objectId: r.id,
    objectName: `revision ${r.revision}`,
    siteId: null,
    tags: [],
    since: r.since,
    summary: `the rollout of revision ${r.revision} halted${r.haltReason ? `: ${r.haltReason}` : ""}`,
  }));
}

/**
 * The device conditions in one statement over the org's active devices: offline, the
 * newest revision failed (failed, refused, rolled back), the certificate expiring within
 * `certDays` (null: not watched).
 */
export async function deviceSignals(
  tx: Tx,
  orgId: string,
  want: { offline: boolean; config: boolean; certDays: number | null },
): Promise<Signal[]> {
  const rows = await tx.$queryRaw<
    (DeviceRow & {
      online: boolean;
      lastSeen: Date;
      applyStatus: string | null;
      revision: number | null;
      failed: boolean;
      lastError: string | null;
      updatedAt: Date;
      notAfter: Date | null;
      expiring: boolean;
    })[]
  >`
    SELECT id, hostname, "siteId", tags, online,
      coalesce("lastSeenAt", "approvedAt", "createdAt") AS "lastSeen",
      "applyStatus", "attemptedRevision" AS revision, "lastError", "updatedAt",
      ("applyStatus" IN ('failed', 'rejected', 'rolled_back')
        AND "attemptedRevision" > "reportedRevision") AS failed,
      "certNotAfter" AS "notAfter",
      (${want.certDays}::int IS NOT NULL AND "certNotAfter" IS NOT NULL
        AND "certNotAfter" < now() + make_interval(days => coalesce(${want.certDays}::int, 0))) AS expiring
    FROM devices
    WHERE "orgId" = ${orgId} AND status = 'active'
      AND ((${want.offline} AND NOT online)
        OR (${want.config} AND "applyStatus" IN ('failed', 'rejected', 'rolled_back')
            AND "attemptedRevision" > "reportedRevision")
        OR (${want.certDays}::int IS NOT NULL AND "certNotAfter" IS NOT NULL
            AND "certNotAfter" < now() + make_interval(days => coalesce(${want.certDays}::int, 0))))`;
  const out: Signal[] = [];
  for (const d of rows) {
    if (want.offline && !d.online)
      out.push(deviceSignal("device_offline", d, d.lastSeen, `${d.hostname} is offline`));
    if (want.config && d.failed)
      out.push(
        deviceSignal(
          "config_failed",
          d,
          d.updatedAt,
          `${d.hostname} could not apply revision ${d.revision} (${(d.applyStatus ?? "").replace("_", " ")})${d.lastError ? `: ${d.lastError.slice(0, 200)}` : ""}`,
        ),
      );
    if (d.expiring && d.notAfter)
      out.push(
        deviceSignal(
          "cert_expiry",
          d,
          d.notAfter,
          `${d.hostname}'s certificate ${d.notAfter.getTime() <= Date.now() ? "expired" : "expires"} ${d.notAfter.toISOString().slice(0, 10)}`,
        ),
      );
  }
  return out;
}

export async function billingGrace(tx: Tx, orgId: string): Promise<Signal[]> {
  const rows = await tx.$queryRaw<{ since: Date; endsAt: Date | null }[]>`
    SELECT "graceStartedAt" AS since, "graceEndsAt" AS "endsAt" FROM billing_accounts
    WHERE "orgId" = ${orgId} AND "graceStartedAt" IS NOT NULL`;
  return rows.map((b) => ({
    kind: "billing_grace",
    objectKey: orgId,
    objectType: "org",
    objectId: orgId,
    objectName: "billing",
    siteId: null,
    tags: [],
    since: b.since,
    summary: `a payment failed; the org becomes read-only ${b.endsAt ? `on ${b.endsAt.toISOString().slice(0, 10)}` : "when the grace period ends"}`,
  }));
}
