// When orgs are evaluated: at once after a change of the org (a path event, a device going
// offline, a rollout halting: platform/events/changes.ts), and at each sweep
// (ALERT_EVALUATE_EVERY_MS) the orgs that are due, in batches that run one org at a time.
import type { Db } from "../../../platform/db/client";
import { env } from "../../../platform/env";
import { enqueue } from "../../../platform/jobs/queues";
import { log } from "../../../platform/log/logger";
import { evaluateAlertsJob } from "../jobs";
import { evaluateOrg } from "./evaluate";

const BATCH = 100;
const alog = log.child({ component: "alerting" });

/** Orgs handed to jobs per sweep at most (the rest are the most overdue next time). */
const SWEEP_LIMIT = 20_000;

/**
 * Hands the orgs that are due to evaluation jobs: one never evaluated, one whose pending
 * condition fires now (nextDueAt), and every org at least every ALERT_FULL_EVERY_MS (what
 * time alone changes: certificates nearing expiry, quota). Changes kick their org at once
 * (kickEvaluation), so an org that nothing happened to costs nothing in between. Reads
 * across orgs through the read-only alert_directory_read policy. Returns how many orgs.
 */
export async function sweepAlerts(db: Db) {
  const orgs = await dueOrgs(db);
  const tick = `sweep-${Date.now()}`;
  for (let i = 0; i < orgs.length; i += BATCH)
    await enqueue(evaluateAlertsJob, { orgIds: orgs.slice(i, i + BATCH).map((o) => o.id), tick });
  return orgs.length;
}

/** The orgs the sweep evaluates now, the most overdue first. */
export async function dueOrgs(db: Db) {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.alert_dispatcher', 'on', true)`;
    return tx.$queryRaw<{ id: string }[]>`
      SELECT o.id FROM organizations o
      LEFT JOIN alert_settings s ON s."orgId" = o.id
      WHERE s."orgId" IS NULL OR s."evaluatedAt" IS NULL OR s."nextDueAt" <= now()
        OR s."evaluatedAt" < now() - make_interval(secs => ${env.ALERT_FULL_EVERY_MS / 1000})
      ORDER BY s."evaluatedAt" ASC NULLS FIRST, o.id
      LIMIT ${SWEEP_LIMIT}`;
  });
}

/** Kicks of one org within this long are one evaluation. */
const KICK_BUCKET_MS = 1000;

/**
 * Evaluates a change's org soon. Kicks within one bucket share a job id, and the job waits
 * until the bucket is over before it runs, so it starts after every change that kicked it
 * has committed; a change in the next bucket gets a job of its own.
 */
export async function kickEvaluation(orgId: string) {
  const now = Date.now();
  const bucket = Math.floor(now / KICK_BUCKET_MS);
  await enqueue(
    evaluateAlertsJob,
    { orgIds: [orgId], tick: String(bucket) },
    { delayMs: (bucket + 1) * KICK_BUCKET_MS - now },
  ).catch((error: Error) =>
    alog.warn("alert evaluation not enqueued; left for the next sweep", {
      orgId,
      error: error.message,
    }),
  );
}

/** The job: each org on its own, so one that fails does not hold the others back. */
export async function evaluateBatch(db: Db, orgIds: readonly string[]) {
  let opened = 0;
  let resolved = 0;
  const failed: string[] = [];
  for (const orgId of orgIds) {
    try {
      const r = await evaluateOrg(db, orgId);
      opened += r.opened;
      resolved += r.resolved;
    } catch (error) {
      failed.push(orgId);
      alog.error("alert evaluation failed for an org; the others go on", {
        orgId,
        error: (error as Error).message,
      });
    }
  }
  if (opened + resolved + failed.length === 0) return undefined;
  return `opened ${opened}, resolved ${resolved} incident(s)${failed.length ? `; ${failed.length} org(s) failed` : ""}`;
}
