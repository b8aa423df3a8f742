// The last will marks a device offline when the broker sees its connection die. When the
// broker itself went away (restart, crash) no will is sent, and a retained "online" would
// stay true forever: devices silent for longer than three heartbeats are marked offline.
import type { Db } from "../../db/client";
import { withScope } from "../../db/with-tenant";

export async function markSilentDevicesOffline(db: Db, silentSeconds = 90) {
  // Orgs with a fleet are those with a CA; fleet_trust lists them without crossing RLS.
  const orgs = await db.fleetTrust.findMany({ select: { orgId: true } });
  let marked = 0;
  for (const { orgId } of orgs) {
    marked += await withScope(
      db,
      { orgId },
      (tx) =>
        tx.$executeRaw`
        UPDATE devices SET online = false, "updatedAt" = now()
        WHERE "orgId" = ${orgId} AND online
          AND ("lastSeenAt" IS NULL OR "lastSeenAt" < now() - make_interval(secs => ${silentSeconds}))`,
    );
  }
  return marked;
}
