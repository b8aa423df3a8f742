// Device and incident counts of one org: one aggregate statement each (docs/overview.md).
import type { Tx } from "../../../platform/db/client";

export interface DeviceCounts {
  active: number;
  offline: number;
  /** Active devices whose reported revision is behind the desired one (not applied yet). */
  outOfSync: number;
  /** Enrolled, waiting for an operator's approval. */
  pending: number;
}

export async function deviceCounts(tx: Tx, orgId: string): Promise<DeviceCounts> {
  const [row] = await tx.$queryRaw<DeviceCounts[]>`
    SELECT
      count(*) FILTER (WHERE status = 'active')::int AS active,
      count(*) FILTER (WHERE status = 'active' AND NOT online)::int AS offline,
      count(*) FILTER (WHERE status = 'active' AND "reportedRevision" < "desiredRevision")::int AS "outOfSync",
      count(*) FILTER (WHERE status = 'pending')::int AS pending
    FROM devices WHERE "orgId" = ${orgId}`;
  return row ?? { active: 0, offline: 0, outOfSync: 0, pending: 0 };
}

/** Path incidents older than this without a resolution are history, not active. */
export const INCIDENT_HOURS = 24;

/**
 * Alerting's incidents not resolved yet (docs/alerting.md): open or acknowledged, by
 * severity. Suppressed ones (opened in a maintenance window or muted) count too: they are
 * still wrong, only nobody was paged.
 */
export async function openIncidents(tx: Tx, orgId: string) {
  const [row] = await tx.$queryRaw<
    { open: number; acknowledged: number; critical: number; warning: number }[]
  >`
    SELECT
      count(*)::int AS open,
      count(*) FILTER (WHERE status = 'acknowledged')::int AS acknowledged,
      count(*) FILTER (WHERE severity = 'critical')::int AS critical,
      count(*) FILTER (WHERE severity = 'warning')::int AS warning
    FROM incidents WHERE "orgId" = ${orgId} AND status IN ('open', 'acknowledged')`;
  return row ?? { open: 0, acknowledged: 0, critical: 0, warning: 0 };
}

/**
 * Path and device problems right now: (1) per device, steering unit and remote site, the newest path event
 * of the last INCIDENT_HOURS is a `path_down` or an `sla_violation` (no `path_up` or
 * `sla_ok` after it), on a device still active; (2) open device alerts (quarantined
 * messages, a cloned identity).
 */
export async function activeIncidents(tx: Tx, orgId: string) {
  const [row] = await tx.$queryRaw<{ paths: number; alerts: number }[]>`
    SELECT
      (SELECT count(*)::int FROM (
        SELECT DISTINCT ON (e."deviceId", e.unit, coalesce(e."remoteSiteId", '')) e.kind
        FROM path_events e
        JOIN devices d ON d.id = e."deviceId" AND d."orgId" = e."orgId" AND d.status = 'active'
        WHERE e."orgId" = ${orgId}
          AND e.kind IN ('path_down', 'path_up', 'sla_violation', 'sla_ok')
          AND e.at > now() - ${INCIDENT_HOURS}::int * interval '1 hour'
        ORDER BY e."deviceId", e.unit, coalesce(e."remoteSiteId", ''), e.at DESC, e."createdAt" DESC
      ) newest WHERE kind IN ('path_down', 'sla_violation')) AS paths,
      (SELECT count(*)::int FROM device_alerts WHERE "orgId" = ${orgId}) AS alerts`;
  const paths = row?.paths ?? 0;
  const alerts = row?.alerts ?? 0;
  return { total: paths + alerts, paths, alerts, ...(await openIncidents(tx, orgId)) };
}
