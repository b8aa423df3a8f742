// Mosquitto checks a certificate's validity at the handshake only and keeps a connection
// open past its notAfter. The fleet process sweeps for devices whose newest certificate
// (devices.certNotAfter, set at every issue) has expired and kicks them (mosquitto-kick.ts);
// they cannot come back, since the handshake refuses the expired certificate. A device
// that renewed reconnects with its new certificate at once, so only devices left with no
// valid certificate are kicked. The embedded broker needs none of this (dropAtExpiry).
import { deviceIdentity } from "../../../../protocol/topics";
import type { Db } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";

/**
 * Identities whose certificate expired after `since` and by `now`, and those still marked
 * online with an expired certificate (a missed sweep, a restart of the fleet process).
 */
export async function expiredIdentities(db: Db, now: Date, since?: Date) {
  // Orgs with a fleet are those with a CA; fleet_trust lists them without crossing RLS.
  const orgs = await db.fleetTrust.findMany({ select: { orgId: true } });
  const identities: string[] = [];
  for (const { orgId } of orgs) {
    const rows = await withScope(db, { orgId }, (tx) =>
      tx.device.findMany({
        where: {
          orgId,
          certNotAfter: { lte: now },
          OR: [{ online: true }, ...(since ? [{ certNotAfter: { gt: since } }] : [])],
        },
        select: { id: true },
      }),
    );
    identities.push(...rows.map((r) => deviceIdentity(orgId, r.id)));
  }
  return identities;
}

/**
 * A sweep to call periodically: kicks what expired since the previous successful call and
 * returns those identities. A failed kick is retried by the next call.
 */
export function expiredCertSweep(db: Db, kick: (identities: string[]) => Promise<void>) {
  let since: Date | undefined;
  return async (now = new Date()) => {
    const identities = await expiredIdentities(db, now, since);
    if (identities.length > 0) await kick(identities);
    since = now;
    return identities;
  };
}
