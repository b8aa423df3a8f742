// The last will marks a device offline when the broker sees its connection die. When the
// broker itself went away (restart, crash) no will is sent, and a retained "online" would
// stay true forever: devices silent for too long are marked offline. Heartbeats refresh
// `lastSeenAt` only every LAST_SEEN_STEP_SECONDS (core-channels.ts), so "silent" is that
// step plus a heartbeat interval (30 s) and more than two missed ones.
import type { Db } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import { lockOrgFleet } from "../fleet-lock";
import { emitPresenceEvents, LAST_SEEN_STEP_SECONDS } from "./core-channels";

/** Seconds without a `lastSeenAt` refresh after which an "online" device is marked offline. */
export const SILENT_SECONDS = LAST_SEEN_STEP_SECONDS + 180;

export async function markSilentDevicesOffline(db: Db, silentSeconds = SILENT_SECONDS) {
  // Orgs with a fleet are those with a CA; fleet_trust lists them without crossing RLS.
  const orgs = await db.fleetTrust.findMany({ select: { orgId: true } });
  let marked = 0;
  for (const { orgId } of orgs) {
    marked += await withScope(db, { orgId }, async (tx) => {
      // Many device rows in one statement: after the fleet's other writers (fleet-lock.ts).
      await lockOrgFleet(tx, orgId);
      const silent = await tx.$queryRaw<{ id: string; hostname: string; online: boolean }[]>`
        UPDATE devices SET online = false, "updatedAt" = now()
        WHERE "orgId" = ${orgId} AND online
          AND ("lastSeenAt" IS NULL OR "lastSeenAt" < now() - make_interval(secs => ${silentSeconds}))
        RETURNING id, hostname, online`;
      await emitPresenceEvents(tx, orgId, silent, "silent");
      return silent.length;
    });
  }
  return marked;
}
