import type { Tx } from "../../../platform/db/client";
import type { OverlayCompileInput } from "../intent-schema";
import type { OverlayPeer } from "./compile-overlay";

/** Whether any site of the intent takes part in the overlay at all. */
export const usesOverlay = (intent: OverlayCompileInput) =>
  intent.overlay.links.some((l) => l.enabled);

/**
 * Each site's first active device (by createdAt, then id) with the tunnel key it reported:
 * one query for the whole org, and none for an intent without an enabled WAN link (the
 * compile then needs no peers), which keeps large fleets without the overlay as fast as before.
 */
export async function loadOverlayPeers(
  tx: Tx,
  orgId: string,
  intent: OverlayCompileInput,
): Promise<OverlayPeer[]> {
  if (!usesOverlay(intent)) return [];
  return tx.$queryRaw<OverlayPeer[]>`
    SELECT DISTINCT ON ("siteId") "siteId", id AS "deviceId", "overlayPublicKey" AS "publicKey"
    FROM devices WHERE "orgId" = ${orgId} AND status = 'active'
    ORDER BY "siteId", "createdAt", id`;
}
