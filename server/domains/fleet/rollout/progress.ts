// Moves running rollouts along as devices report: canary all applied → roll to the rest;
// failures reaching the bound → halt and alert; every device answered → completed.
// Runs in the ingest transaction of the org; returns whether new devices must be published.

import { writeAudit } from "../../../platform/audit/write-audit";
import { Prisma, type Tx } from "../../../platform/db/client";
import { emitEvent } from "../../../platform/events/emit-event";
import { observeRolloutEnd } from "../../../platform/metrics/fleet";
import { systemPrincipal } from "../../../platform/tenancy/principal";
import { compiledHash, declaredSections } from "../compile/compile-device";
import { setDesired } from "../compile/compile-org";
import { loadSiteCompiler } from "../compile/load-compiler";
import { snapshotAt } from "../intent/snapshots";

type Counts = { applied: number; failed: number; total: number; firstError: string | null };

/**
 * A device that runs the revision has not failed it, whatever it reported since: a refused
 * message that names no revision (not JSON, say) leaves attemptedRevision at the one it
 * applied, with a failure status next to it.
 *
 * The stage's device ids are read from the rollout row inside the query: this runs on
 * every ingest batch, and shipping a 10,000-id array out of PostgreSQL and back in each
 * time cost the worker more than the count itself. The lookup goes through the primary
 * key with or without table statistics.
 */
async function countStage(
  tx: Tx,
  orgId: string,
  r: { id: string; revision: number },
  stage: "all" | "canary",
) {
  const ids =
    stage === "all"
      ? Prisma.sql`(SELECT "deviceIds" FROM rollouts WHERE id = ${r.id} AND "orgId" = ${orgId})`
      : Prisma.sql`(SELECT "canaryIds" FROM rollouts WHERE id = ${r.id} AND "orgId" = ${orgId})`;
  const revision = r.revision;
  const [c] = await tx.$queryRaw<Counts[]>`
    SELECT
      count(*) FILTER (WHERE "reportedRevision" >= ${revision})::int AS applied,
      count(*) FILTER (WHERE "attemptedRevision" = ${revision} AND "reportedRevision" < ${revision}
                         AND "applyStatus" IN ('failed', 'rolled_back', 'rejected'))::int AS failed,
      count(*)::int AS total,
      min("lastError") FILTER (WHERE "attemptedRevision" = ${revision}
                                 AND "reportedRevision" < ${revision}
                                 AND "applyStatus" <> 'applied') AS "firstError"
    FROM devices WHERE "orgId" = ${orgId} AND status = 'active' AND id = ANY(${ids}::text[])`;
  return c as Counts;
}

export interface ProgressResult {
  advanced: string[];
  halted: string[];
  completed: string[];
}

export async function progressRollouts(tx: Tx, orgId: string): Promise<ProgressResult> {
  const out: ProgressResult = { advanced: [], halted: [], completed: [] };
  const running = await tx.rollout.findMany({
    where: { orgId, status: { in: ["canary", "rolling"] } },
    select: { id: true, revision: true, status: true, failureThreshold: true },
  });
  for (const r of running) {
    const all = await countStage(tx, orgId, r, "all");
    const stage = r.status === "canary" ? await countStage(tx, orgId, r, "canary") : all;
    await tx.rollout.updateMany({
      where: { id: r.id, orgId },
      data: { succeeded: all.applied, failed: all.failed },
    });
    if (all.failed >= r.failureThreshold) {
      await halt(
        tx,
        orgId,
        r.id,
        r.revision,
        `${all.failed} device(s) failed: ${all.firstError ?? "no error given"}`,
      );
      out.halted.push(r.id);
    } else if (r.status === "canary" && stage.applied === stage.total) {
      await advance(tx, orgId, r);
      out.advanced.push(r.id);
    } else if (r.status === "rolling" && all.applied === all.total) {
      const done = await tx.rollout.update({
        where: { id: r.id, orgId },
        data: { status: "completed", finishedAt: new Date() },
      });
      observeRolloutEnd("completed", done);
      await emitEvent(tx, orgId, "rollout.completed", { rolloutId: r.id, revision: r.revision });
      out.completed.push(r.id);
    }
  }
  return out;
}

export async function halt(
  tx: Tx,
  orgId: string,
  rolloutId: string,
  revision: number,
  reason: string,
) {
  const halted = await tx.rollout.update({
    where: { id: rolloutId, orgId },
    data: { status: "halted", haltReason: reason.slice(0, 500), finishedAt: new Date() },
  });
  observeRolloutEnd("halted", halted);
  // The alert: in the audit log and on the rollouts page; notifications build on this.
  await writeAudit(tx, systemPrincipal("rollout.progress"), {
    orgId,
    action: "rollout.halted",
    targetType: "rollout",
    targetId: rolloutId,
    after: { revision, reason: reason.slice(0, 500) },
  });
  await emitEvent(tx, orgId, "rollout.halted", {
    rolloutId,
    revision,
    reason: reason.slice(0, 500),
  });
}

/**
 * The canary answered well (or an operator promoted it): every other changed device now
 * desires the revision. Under the org's fleet lock.
 */
export async function advance(tx: Tx, orgId: string, rollout: { id: string }) {
  const r = await tx.rollout.findUniqueOrThrow({
    where: { id: rollout.id, orgId },
    select: { id: true, revision: true, deviceIds: true, canaryIds: true },
  });
  const snap = await snapshotAt(tx, orgId, r.revision);
  if (!snap) throw new Error(`intent snapshot ${orgId}@${r.revision} is missing`);
  const compile = await loadSiteCompiler(tx, orgId, snap.intent);
  const canary = new Set(r.canaryIds);
  const rest = await tx.device.findMany({
    where: { orgId, status: "active", id: { in: r.deviceIds.filter((id) => !canary.has(id)) } },
    select: { id: true, siteId: true, capabilityVersion: true, sections: true },
  });
  const targets: { id: string; hash: string }[] = [];
  for (const d of rest) {
    const config = compile(d.siteId, d.id, declaredSections(d));
    if (config) targets.push({ id: d.id, hash: compiledHash(config) });
  }
  await setDesired(tx, orgId, r.revision, targets);
  await tx.rollout.update({ where: { id: r.id, orgId }, data: { status: "rolling" } });
}
