import { type Intent, registry } from "../../../features";
import type { Tx } from "../../../platform/db/client";
import { snapshotAt } from "../intent/snapshots";
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

/** The compiler of the org's compiled revision and that revision, or null before the first compile. */
export async function compiledRevisionCompiler(tx: Tx, orgId: string) {
  const fr = await tx.fleetRevision.findUnique({ where: { orgId } });
  if (!fr || fr.compiled < 1) return null;
  const snap = await snapshotAt(tx, orgId, fr.compiled);
  if (!snap) return null;
  return { revision: fr.compiled, compile: await loadSiteCompiler(tx, orgId, snap.intent) };
}

/** Records the sections each device's config leaves out because its agent cannot apply them. */
export async function recordMissing(
  tx: Tx,
  orgId: string,
  devices: readonly { id: string; missing: string[] }[],
) {
  if (devices.length === 0) return;
  await tx.$executeRaw`
    UPDATE devices SET "missingSections" = ARRAY(SELECT jsonb_array_elements_text(d.missing::jsonb))
    FROM unnest(${devices.map((d) => d.id)}::text[], ${devices.map((d) => JSON.stringify(d.missing))}::text[])
      AS d(id, missing)
    WHERE devices.id = d.id AND devices."orgId" = ${orgId}`;
}
