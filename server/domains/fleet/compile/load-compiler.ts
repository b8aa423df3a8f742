import { type Intent, registry } from "../../../features";
import type { Tx } from "../../../platform/db/client";
import { siteCompiler } from "./compile-device";

/** Every section's facts (the overlay: its peers), read in `tx`. */
export async function loadCompileFacts(tx: Tx, orgId: string, intent: Intent) {
  const facts: Record<string, unknown> = {};
  for (const s of registry().compilerSections) {
    if (s.load) facts[s.section] = await s.load(tx, orgId, intent);
  }
  return facts;
}

/**
 * siteCompiler with every section's facts read in `tx`. Every path that computes a config
 * or its hash from a snapshot (compile, publish, rollout advance, newly active devices)
 * must use this, or its hashes would differ from the compile's for sites in the overlay.
 */
export async function loadSiteCompiler(tx: Tx, orgId: string, intent: Intent) {
  return siteCompiler(intent, { orgId, facts: await loadCompileFacts(tx, orgId, intent) });
}
