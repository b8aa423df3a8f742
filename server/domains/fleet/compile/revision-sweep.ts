// The fleet revision sweep: every org whose revision is ahead of what was compiled gets a
// compile job. It repairs what the config flow cannot see by itself: a compile job that was
// never queued (Redis down or slow when the change committed: intent/revision.ts gives up
// after a second), one lost with Redis' data, and one that failed for good (its attempts
// used up). The workers run it on a local timer and whenever their Redis connection comes
// back (workers/revision-sweeper.ts), not as a BullMQ schedule, since schedules need Redis.
// Safe on every replica at once: the job id is deterministic per org and revision.
import type { Db } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import { ensureEnqueued } from "../../../platform/jobs/queues";
import { compileJob } from "../jobs/fleet-compile";

/**
 * Orgs whose newest revision is not compiled yet, with that revision: one read across orgs
 * through fleet_revisions' read-only directory policy (on for this transaction only).
 */
export async function orgsBehind(db: Db): Promise<{ orgId: string; revision: number }[]> {
  return withScope(db, {}, async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.fleet_directory', 'on', true)`;
    return tx.$queryRaw<{ orgId: string; revision: number }[]>`
      SELECT r."orgId", r.revision FROM fleet_revisions r
      WHERE r.revision > r.compiled
        -- Orgs with a fleet are those with a CA (fleet_trust): an org without devices has
        -- nothing to compile for; its first enrollment creates its CA.
        AND EXISTS (SELECT 1 FROM fleet_trust t WHERE t."orgId" = r."orgId")
      ORDER BY r."orgId"`;
  });
}

/** Ensures a compile job for every org behind; returns those it (re)queued. */
export async function sweepFleetRevisions(db: Db) {
  const queued: { orgId: string; revision: number; how: "added" | "retried" }[] = [];
  for (const p of await orgsBehind(db)) {
    const how = await ensureEnqueued(compileJob, p);
    if (how !== "pending") queued.push({ ...p, how });
  }
  return queued;
}
