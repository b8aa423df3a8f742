// The fleet's own uplink channels: applied state, presence, heartbeats, and the latest
// telemetry of every other kind (kept in Redis for live views). Each writes one statement
// per batch, joined to the org's active devices, so a device only ever updates its own row.
import {
  type Heartbeat,
  LEGACY_SECTIONS,
  type Telemetry,
  ZHeartbeat,
  ZPresence,
  ZReportedState,
  ZTelemetry,
} from "../../../../protocol";
import type { Tx } from "../../../platform/db/client";
import { type AnyEvent, emitEach } from "../../../platform/events/emit-event";
import type { IngestChannel } from "../../../platform/features/contract";
import { latestPerDevice } from "../../../platform/features/ingest-channels";
import { getRedis, orgSlot, redisKey } from "../../../platform/redis";
import { reconsiderDevices } from "../compile/publish";
import { bumpRevision, devicesReason } from "../intent/revision";
import { trackSessions } from "./sessions";

/** Sorted, as agents declare their sections. */
const LEGACY = [...LEGACY_SECTIONS].sort();

/** How long the latest telemetry of a device is kept when it stops sending. */
const TELEMETRY_TTL_SECONDS = 3600;

/**
 * Redis key of a device's latest telemetry of one kind (a JSON Telemetry message). Under the
 * org's hash tag: an ingest batch writes many devices' keys in one MULTI.
 */
export const telemetryKey = (orgId: string, deviceId: string, kind: string) =>
  redisKey("fleet", "telemetry", orgSlot(orgId), deviceId, kind);

export const stateChannel = latestPerDevice({
  channel: "state",
  schema: ZReportedState,
  async write(tx, orgId, latest) {
    const rows = [...latest];
    // `old` is the row as it was before this statement (the same snapshot), so one join
    // gives the previous values: no second scan of the devices, which the planner may
    // repeat per row when the table's statistics lag a fast-growing org (quadratic).
    const changed = await tx.$queryRaw<ConfigChange[]>`
      WITH updated AS (
        UPDATE devices SET
          "reportedRevision" = s.revision,
          "reportedHash" = s.hash,
          "attemptedRevision" = CASE WHEN s.status = 'applied' THEN s.revision
                                     ELSE coalesce(s.attempted, old."attemptedRevision") END,
          "applyStatus" = s.status,
          "lastError" = s.error,
          "appliedAt" = s.applied_at,
          "updatedAt" = now()
        FROM unnest(
          ${rows.map(([id]) => id)}::text[],
          ${rows.map(([, s]) => s.revision)}::int[],
          ${rows.map(([, s]) => s.hash)}::text[],
          ${rows.map(([, s]) => s.attempted ?? null)}::int[],
          ${rows.map(([, s]) => s.status)}::text[],
          ${rows.map(([, s]) => s.error)}::text[],
          ${rows.map(([, s]) => s.appliedAt)}::timestamptz[]
        ) AS s(id, revision, hash, attempted, status, error, applied_at)
        JOIN devices old ON old.id = s.id AND old."orgId" = ${orgId} AND old.status = 'active'
        WHERE devices.id = old.id AND devices."orgId" = ${orgId}
        RETURNING devices.id, devices."reportedRevision" AS revision,
          devices."attemptedRevision" AS attempted, devices."applyStatus" AS status,
          devices."lastError" AS error,
          (devices."reportedRevision", devices."attemptedRevision", devices."applyStatus")
            IS DISTINCT FROM (old."reportedRevision", old."attemptedRevision", old."applyStatus")
            AS changed
      )
      SELECT id, revision, attempted, status, error FROM updated WHERE changed ORDER BY id`;
    await emitConfigEvents(tx, orgId, changed);
  },
});

interface ConfigChange {
  id: string;
  revision: number;
  attempted: number | null;
  status: string | null;
  error: string | null;
}

/** A device's report that changed its revision or status: config.applied / config.failed. */
async function emitConfigEvents(tx: Tx, orgId: string, changes: ConfigChange[]) {
  await emitEach(
    tx,
    orgId,
    changes.flatMap((c): AnyEvent[] => {
      if (c.status === "applied")
        return [{ type: "config.applied", data: { deviceId: c.id, revision: c.revision } }];
      if (!c.status || c.status === "applying") return [];
      return [
        {
          type: "config.failed",
          data: {
            deviceId: c.id,
            revision: c.attempted ?? c.revision,
            status: c.status,
            error: c.error,
          },
        },
      ];
    }),
  );
}

/**
 * Online or offline (the last will), with what the agent can apply. When a device's declared
 * sections change (an upgraded agent) so that its config would differ, a new revision
 * compiles it again.
 */
export const presenceChannel = latestPerDevice({
  channel: "presence",
  schema: ZPresence,
  async write(tx, orgId, latest, log) {
    const stale = await trackSessions(tx, orgId, latest, log);
    const rows = [...latest].filter(([id]) => !stale.has(id));
    if (rows.length === 0) return;
    const updated = await tx.$queryRaw<
      { id: string; hostname: string; online: boolean; flipped: boolean; changed: boolean }[]
    >`
      WITH updated AS (
        UPDATE devices SET online = p.online, "lastSeenAt" = p.at,
          "agentVersion" = coalesce(p.version, old."agentVersion"),
          "capabilityVersion" = coalesce(p.cap_version, old."capabilityVersion"),
          sections = CASE WHEN p.sections IS NULL THEN old.sections
                          ELSE ARRAY(SELECT jsonb_array_elements_text(p.sections::jsonb)) END,
          "updatedAt" = now()
        FROM unnest(
          ${rows.map(([id]) => id)}::text[],
          ${rows.map(([, p]) => p.online)}::bool[],
          ${rows.map(([, p]) => p.at)}::timestamptz[],
          ${rows.map(([, p]) => p.agentVersion ?? null)}::text[],
          ${rows.map(([, p]) => p.capabilities?.version ?? null)}::int[],
          ${rows.map(([, p]) => (p.capabilities ? JSON.stringify(p.capabilities.sections) : null))}::text[]
        ) AS p(id, online, at, version, cap_version, sections)
        -- The row before this statement (see the state channel).
        JOIN devices old ON old.id = p.id AND old."orgId" = ${orgId} AND old.status = 'active'
        WHERE devices.id = old.id AND devices."orgId" = ${orgId}
        RETURNING devices.id, devices.hostname, devices.online,
          devices.online IS DISTINCT FROM old.online AS flipped,
          -- What the compiler goes by: a first-release agent applies the legacy sections.
          (CASE WHEN old."capabilityVersion" IS NULL THEN ${LEGACY}::text[] ELSE old.sections END)
            IS DISTINCT FROM
          (CASE WHEN devices."capabilityVersion" IS NULL THEN ${LEGACY}::text[] ELSE devices.sections END)
            AS changed
      )
      SELECT id, hostname, online, flipped, changed FROM updated ORDER BY hostname`;
    await emitPresenceEvents(
      tx,
      orgId,
      updated.filter((d) => d.flipped),
      "disconnected",
    );
    const changed = updated.filter((d) => d.changed);
    if (changed.length === 0) return;
    // A compile in progress staged these devices with their old sections: it stages them
    // again before it finishes (compile/compile-org.ts). This batch holds the fleet lock.
    await tx.$executeRaw`
      UPDATE devices SET "stagedRevision" = NULL
      WHERE "orgId" = ${orgId} AND id = ANY(${changed.map((d) => d.id)}::text[])`;
    if (
      !(await reconsiderDevices(
        tx,
        orgId,
        changed.map((d) => d.id),
      ))
    )
      return;
    const names = changed.map((d) => d.hostname);
    await bumpRevision(
      tx,
      orgId,
      null,
      devicesReason("agent capabilities", "agent capabilities", names),
    );
  },
});

/**
 * How stale `lastSeenAt` may get while a device keeps sending heartbeats (every 30 s by
 * default): a heartbeat rewrites the row only when the device was offline, its clock
 * measurement is new, or its `lastSeenAt` is older than this. Most heartbeats then write
 * nothing (no row version, no WAL): at 100,000 devices that is ~800 updates a second
 * instead of ~3,300. The presence sweep's silence threshold (SILENT_SECONDS) leaves room
 * for this step plus a heartbeat interval and a late one.
 */
export const LAST_SEEN_STEP_SECONDS = 120;

/** A retained heartbeat is an old one, redelivered at resubscription: it proves nothing. */
export const heartbeatChannel = latestPerDevice({
  channel: "heartbeat",
  schema: ZHeartbeat,
  skipRetained: true,
  async write(tx, orgId, latest) {
    const rows = [...latest];
    // The clock columns keep their last measurement when a heartbeat carries none. The
    // offset was bounded by the message schema (ZClockReport): ±10 years, well within int8.
    const cameOnline = await tx.$queryRaw<{ id: string; hostname: string; online: boolean }[]>`
      UPDATE devices SET "lastSeenAt" = now(), online = true,
        "clockOffsetMs" = coalesce(h.offset_ms, old."clockOffsetMs"),
        "clockCheckedAt" = coalesce(h.checked_at, old."clockCheckedAt")
      FROM unnest(
        ${rows.map(([id]) => id)}::text[],
        ${rows.map(([, h]) => h.clock?.offsetMs ?? null)}::bigint[],
        ${rows.map(([, h]) => h.clock?.checkedAt ?? null)}::timestamptz[]
      ) AS h(id, offset_ms, checked_at)
      -- The row before this statement (see the state channel).
      JOIN devices old ON old.id = h.id AND old."orgId" = ${orgId} AND old.status = 'active'
      WHERE devices.id = old.id AND devices."orgId" = ${orgId}
        AND (NOT old.online
          OR old."lastSeenAt" IS NULL
          OR old."lastSeenAt" < now() - make_interval(secs => ${LAST_SEEN_STEP_SECONDS})
          OR (h.checked_at IS NOT NULL AND h.checked_at IS DISTINCT FROM old."clockCheckedAt")
          OR (h.offset_ms IS NOT NULL AND h.offset_ms IS DISTINCT FROM old."clockOffsetMs"))
      RETURNING devices.id, devices.hostname, old.online`;
    await emitPresenceEvents(
      tx,
      orgId,
      cameOnline.filter((d) => !d.online).map((d) => ({ ...d, online: true })),
      "disconnected",
    );
  },
});

/**
 * Acks lost in flight, made up from heartbeats. A state report can die with the broker or
 * the ingest worker that held it (killed mid-rollout: the chaos test lost 18–27 of 100
 * canary acks), and a device that applied its config sends no other state report. Its
 * heartbeats carry the revision it runs: when that is the revision the device is meant to
 * run and the database still shows an older one, the device has applied its desired
 * config (whose hash is the desired one). Such devices are recorded as applied, with
 * config.applied events; the caller then moves the org's rollouts along. A state report
 * arriving later writes the same and emits nothing more.
 */
export async function repairLostAcks(
  tx: Tx,
  orgId: string,
  heartbeats: ReadonlyMap<string, Heartbeat>,
): Promise<number> {
  const rows = [...heartbeats].filter(([, h]) => h.revision > 0);
  if (rows.length === 0) return 0;
  const repaired = await tx.$queryRaw<ConfigChange[]>`
    UPDATE devices SET "reportedRevision" = h.revision, "reportedHash" = devices."desiredHash",
      "attemptedRevision" = h.revision, "applyStatus" = 'applied', "lastError" = NULL,
      "appliedAt" = now(), "updatedAt" = now()
    FROM unnest(
      ${rows.map(([id]) => id)}::text[],
      ${rows.map(([, h]) => h.revision)}::int[]
    ) AS h(id, revision)
    WHERE devices.id = h.id AND devices."orgId" = ${orgId} AND devices.status = 'active'
      AND devices."desiredRevision" = h.revision AND devices."reportedRevision" < h.revision
      AND devices."desiredHash" IS NOT NULL
    RETURNING devices.id, devices."reportedRevision" AS revision,
      devices."attemptedRevision" AS attempted, devices."applyStatus" AS status,
      devices."lastError" AS error`;
  await emitConfigEvents(tx, orgId, repaired);
  return repaired.length;
}

/** Telemetry of any kind no area reads itself: the latest per device and kind, in Redis. */
export const telemetryChannel: IngestChannel<Telemetry, Map<string, Telemetry>> = {
  channel: "telemetry",
  schema: ZTelemetry,
  empty: () => new Map(),
  add: (batch, deviceId, message, kind) => void batch.set(`${deviceId}/${kind}`, message),
  size: (batch) => batch.size,
  merge: (failed, current) => new Map([...failed, ...current]),
  entries: (batch) =>
    [...batch].map(([key, message]) => ({
      deviceId: key.split("/")[0] as string,
      batch: new Map([[key, message]]),
      message,
    })),
  write: async () => {},
  async afterCommit(orgId, latest) {
    const multi = getRedis().multi();
    for (const [key, t] of latest) {
      const [deviceId, kind] = key.split("/") as [string, string];
      multi.set(
        telemetryKey(orgId, deviceId, kind),
        JSON.stringify(t),
        "EX",
        TELEMETRY_TTL_SECONDS,
      );
    }
    await multi.exec();
  },
};

/** device.online / device.offline for each device whose presence flipped. */
export async function emitPresenceEvents(
  tx: Tx,
  orgId: string,
  flipped: { id: string; hostname: string; online: boolean }[],
  offlineReason: "disconnected" | "silent",
) {
  await emitEach(
    tx,
    orgId,
    flipped.map(
      (d): AnyEvent =>
        d.online
          ? { type: "device.online", data: { deviceId: d.id, hostname: d.hostname } }
          : {
              type: "device.offline",
              data: { deviceId: d.id, hostname: d.hostname, reason: offlineReason },
            },
    ),
  );
}
