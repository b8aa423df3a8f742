import type { Intent } from "../../../features";
import type { Tx } from "../../../platform/db/client";
import { loadOverlayPeers } from "../../overlay";
import { siteCompiler } from "./compile-device";

/**
 * siteCompiler with the org's overlay peers read in `tx` (one query, none when the intent
 * has no enabled WAN link). Every path that computes a config or its hash from a snapshot
 * (compile, publish, rollout advance, newly active devices) must use this, or its hashes
 * would differ from the compile's for sites in the overlay.
 */
export async function loadSiteCompiler(tx: Tx, orgId: string, intent: Intent) {
  return siteCompiler(intent, { orgId, peers: await loadOverlayPeers(tx, orgId, intent) });
}
