// The fleet revision sweep: every org whose revision is ahead of what was compiled gets a
// compile job. It repairs what the config flow cannot see by itself: a compile job that was
// never queued (Redis down or slow when the change committed: intent/revision.ts gives up
// after a second), one lost with Redis' data, and one that failed for good (its attempts
// used up). The workers run it on a local timer and whenever their Redis connection comes
// back (workers/revision-sweeper.ts), not as a BullMQ schedule, since schedules need Redis.
// Safe on every replica at once: the job id is deterministic per org and revision.
import type { Db } from "../../../platform/db/client";
import { setTxOrg, withScope } from "../../../platform/db/with-tenant";
import { ensureEnqueued } from "../../../platform/jobs/queues";
import { compileJob } from "../jobs/fleet-compile";

/** Orgs read per transaction: one connection for a batch instead of one per org. */
const BATCH = 200;

/** Orgs (with a fleet) whose newest revision is not compiled yet, with that revision. */
export async function orgsBehind(db: Db): Promise<{ orgId: string; revision: number }[]> {
  // Orgs with a fleet are those with a CA; fleet_trust lists them without crossing RLS. An
  // org without devices has nothing to compile for; its first enrollment creates its CA.
  const orgs = await db.fleetTrust.findMany({ select: { orgId: true }, orderBy: { orgId: "asc" } });
  const behind: { orgId: string; revision: number }[] = [];
  for (let i = 0; i < orgs.length; i += BATCH) {
    const batch = orgs.slice(i, i + BATCH);
    // fleet_revisions is read under each org's own scope: app.org_id is set per org.
    const rows = await withScope(db, {}, async (tx) => {
      const found: { orgId: string; revision: number }[] = [];
      for (const { orgId } of batch) {
        await setTxOrg(tx, orgId);
        const fr = await tx.fleetRevision.findUnique({ where: { orgId } });
        if (fr && fr.revision > fr.compiled) found.push({ orgId, revision: fr.revision });
      }
      return found;
    });
    behind.push(...rows);
  }
  return behind;
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
