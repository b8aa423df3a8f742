// Retention of the overlay's reports: path measurements are a short time series, path
// events the incident timeline. Run by the workers' periodic sweep; safe on every replica
// at once (a row deleted twice is deleted once) and in small batches, so a backlog never
// holds long locks on tables the ingest writes to.
import { type Db, Prisma } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import { env } from "../../../platform/env";

const BATCH = 5000;

export interface Retention {
  sampleHours: number;
  eventDays: number;
}

/** Deletes path_samples and path_events older than the retention; returns how many. */
export async function pruneOverlayHistory(
  db: Db,
  retention: Retention = {
    sampleHours: env.PATH_SAMPLE_RETENTION_HOURS,
    eventDays: env.PATH_EVENT_RETENTION_DAYS,
  },
) {
  const sampleCutoff = new Date(Date.now() - retention.sampleHours * 3600_000);
  const eventCutoff = new Date(Date.now() - retention.eventDays * 86_400_000);
  // Only devices report, and only orgs with a fleet have devices; fleet_trust lists them
  // without crossing row-level security.
  const orgs = await db.fleetTrust.findMany({ select: { orgId: true } });
  let samples = 0;
  let events = 0;
  for (const { orgId } of orgs) {
    samples += await deleteOlder(db, orgId, "path_samples", sampleCutoff);
    events += await deleteOlder(db, orgId, "path_events", eventCutoff);
  }
  return { samples, events };
}

/** Deletes the org's rows of `table` older than `cutoff`, BATCH at a time; returns how many. */
async function deleteOlder(
  db: Db,
  orgId: string,
  table: "path_samples" | "path_events",
  cutoff: Date,
) {
  const name = Prisma.raw(table);
  let deleted = 0;
  for (;;) {
    const n = await withScope(
      db,
      { orgId },
      (tx) => tx.$executeRaw`
        DELETE FROM ${name} WHERE id IN (
          SELECT id FROM ${name} WHERE "orgId" = ${orgId} AND at < ${cutoff} LIMIT ${BATCH})`,
    );
    deleted += n;
    if (n < BATCH) return deleted;
  }
}
