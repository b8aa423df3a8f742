// Job handlers of the fleet queue: compile an org's newest revision and publish it, and
// halt a canary stage that did not answer in time.
import type { Db } from "../../server/db/client";
import { withScope } from "../../server/db/with-tenant";
import { env } from "../../server/env";
import { compileOrg } from "../../server/fleet/compile/compile-org";
import { publishPending } from "../../server/fleet/compile/publish";
import { halt } from "../../server/fleet/rollout/progress";
import { rolloutTimeoutJob } from "../../server/jobs/definitions/fleet-compile";
import { enqueue } from "../../server/jobs/queues";

export async function compileAndPublish(db: Db, orgId: string) {
  const outcome = await compileOrg(db, orgId);
  if (outcome?.rolloutId && outcome.stage === "canary") {
    await enqueue(
      rolloutTimeoutJob,
      { orgId, rolloutId: outcome.rolloutId, stage: "canary" },
      { delayMs: env.FLEET_CANARY_TIMEOUT_SECONDS * 1000 },
    );
  }
  // Also after a crash between the compile's commit and its publish: what is pending goes.
  const sent = await publishPending(db, orgId);
  return outcome
    ? `revision ${outcome.revision}: ${outcome.changed} changed, ${sent} sent`
    : `${sent} sent`;
}

export async function rolloutTimeout(
  db: Db,
  p: { orgId: string; rolloutId: string; stage: string },
) {
  return withScope(db, { orgId: p.orgId }, async (tx) => {
    const r = await tx.rollout.findUnique({ where: { id: p.rolloutId, orgId: p.orgId } });
    if (!r || r.status !== p.stage) return "moved on";
    const answered = await tx.device.count({
      where: {
        orgId: p.orgId,
        id: { in: r.canaryIds },
        OR: [{ reportedRevision: { gte: r.revision } }, { attemptedRevision: r.revision }],
      },
    });
    await halt(
      tx,
      p.orgId,
      r.id,
      r.revision,
      `canary timed out: ${r.canaryIds.length - answered} of ${r.canaryIds.length} device(s) did not answer`,
    );
    return "halted";
  });
}
