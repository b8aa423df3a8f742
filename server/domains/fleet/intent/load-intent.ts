import type { Intent } from "../../../features";
import { registry } from "../../../features";
import type { Tx } from "../../../platform/db/client";

/** Reads the org's current intent: every registered section's rows, in a stable order. */
export async function loadIntent(tx: Tx, orgId: string): Promise<Intent> {
  const { intentSections, intentSchema } = registry();
  const parts = await Promise.all(
    intentSections.map(async (s) => [s.key, await s.load(tx, orgId)] as const),
  );
  return intentSchema.parse(Object.fromEntries(parts));
}
