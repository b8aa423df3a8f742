// When orgs are evaluated: every org at each sweep (ALERT_EVALUATE_EVERY_MS), in batches
// that run one org at a time, and an org at once after a change of its (a path event, a
// device going offline, a rollout halting: platform/events/changes.ts).
import type { Db } from "../../../platform/db/client";
import { enqueue, enqueueOrLeave } from "../../../platform/jobs/queues";
import { log } from "../../../platform/log/logger";
import { evaluateAlertsJob } from "../jobs";
import { evaluateOrg } from "./evaluate";

const BATCH = 100;
const alog = log.child({ component: "alerting" });

/** Hands every org to evaluation jobs; returns how many orgs. */
export async function sweepAlerts(db: Db) {
  const orgs = await db.organization.findMany({ select: { id: true }, orderBy: { id: "asc" } });
  const tick = `sweep-${Date.now()}`;
  for (let i = 0; i < orgs.length; i += BATCH)
    await enqueue(evaluateAlertsJob, { orgIds: orgs.slice(i, i + BATCH).map((o) => o.id), tick });
  return orgs.length;
}

/** Evaluates a change's org soon (kicks within the same second are one evaluation). */
export async function kickEvaluation(orgId: string) {
  await enqueueOrLeave(
    evaluateAlertsJob,
    { orgIds: [orgId], tick: String(Math.floor(Date.now() / 1000)) },
    "the next alert sweep",
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
