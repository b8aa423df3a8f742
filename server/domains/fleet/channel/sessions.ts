// Which agent process holds a device's identity. Each agent start picks a random session id
// and names it in its presence (and in its last will). A new session replacing the current
// one is a restart; the replaced one coming back within CLONE_WINDOW is two boxes with one
// certificate taking each other's connection over (the broker keeps one session per client
// id): a cloned identity, raised as a device alert with both addresses.
import type { Presence } from "../../../../protocol";
import type { Tx } from "../../../platform/db/client";
import type { IngestLog } from "../../../platform/features/contract";

/** A replaced session that returns within this long is a second box, not a restart. */
export const CLONE_WINDOW_MS = 10 * 60_000;

/**
 * Records the session of every device that came online, and raises a "cloned_identity"
 * alert for each device whose previous session came back. Returns the devices whose
 * offline presence is a stale will (of a session already replaced): they stay online.
 */
export async function trackSessions(
  tx: Tx,
  orgId: string,
  latest: ReadonlyMap<string, Presence>,
  log: IngestLog,
): Promise<Set<string>> {
  const online = [...latest].filter(([, p]) => p.online && p.session);
  if (online.length > 0) {
    const flaps = await tx.$queryRaw<
      {
        id: string;
        hostname: string;
        old: string | null;
        oldAddress: string | null;
        address: string | null;
      }[]
    >`
      WITH p AS (
        SELECT * FROM unnest(
          ${online.map(([id]) => id)}::text[],
          ${online.map(([, p]) => p.session)}::text[],
          ${online.map(([, p]) => p.address ?? null)}::text[]
        ) AS p(id, session, address)
      ), prev AS (
        SELECT d.id, d.session, d."sessionAddress", d."prevSession", d."sessionSince"
        FROM devices d JOIN p ON p.id = d.id
        WHERE d."orgId" = ${orgId} AND d.status = 'active' AND d.session IS DISTINCT FROM p.session
        FOR UPDATE OF d
      ), updated AS (
        UPDATE devices SET "prevSession" = prev.session, "prevSessionAddress" = prev."sessionAddress",
          session = p.session, "sessionAddress" = p.address, "sessionSince" = now()
        FROM p JOIN prev ON prev.id = p.id
        WHERE devices.id = p.id AND devices."orgId" = ${orgId}
        RETURNING devices.id, devices.hostname, prev.session AS old, prev."sessionAddress" AS "oldAddress",
          p.address,
          prev."prevSession" = p.session
            AND prev."sessionSince" > now() - ${`${CLONE_WINDOW_MS} milliseconds`}::interval AS flap
      )
      SELECT id, hostname, old, "oldAddress", address FROM updated WHERE flap`;
    for (const f of flaps) {
      const detail = {
        addresses: [f.address, f.oldAddress],
        sessions: [latest.get(f.id)?.session, f.old],
      };
      log("warn", "device identity used from two places", {
        orgId,
        deviceId: f.id,
        hostname: f.hostname,
        addresses: detail.addresses,
      });
      await tx.$executeRaw`
        INSERT INTO device_alerts ("orgId", "deviceId", kind, detail)
        VALUES (${orgId}, ${f.id}, 'cloned_identity', ${JSON.stringify(detail)}::jsonb)
        ON CONFLICT ("deviceId", kind)
        DO UPDATE SET count = device_alerts.count + 1, "lastAt" = now(), detail = EXCLUDED.detail`;
    }
  }
  const wills = [...latest].filter(([, p]) => !p.online && p.session);
  if (wills.length === 0) return new Set();
  const stale = await tx.$queryRaw<{ id: string }[]>`
    SELECT d.id FROM devices d
    JOIN unnest(${wills.map(([id]) => id)}::text[], ${wills.map(([, p]) => p.session)}::text[])
      AS w(id, session) ON w.id = d.id
    WHERE d."orgId" = ${orgId} AND d.session IS NOT NULL AND d.session <> w.session`;
  return new Set(stale.map((s) => s.id));
}
