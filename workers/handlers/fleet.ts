// Job handlers of the fleet queue: compile an org's newest revision and publish it, and
// halt a canary stage that did not answer in time.

import { compileOrg } from "../../server/domains/fleet/compile/compile-org";
import { publishPending } from "../../server/domains/fleet/compile/publish";
import { rolloutTimeoutJob } from "../../server/domains/fleet/jobs/fleet-compile";
import { halt } from "../../server/domains/fleet/rollout/progress";
import type { Db } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { env } from "../../server/platform/env";
import { enqueue } from "../../server/platform/jobs/queues";
import { compileDuration } from "../../server/platform/metrics/fleet";
import { secondsSince } from "../../server/platform/metrics/registry";
import { inSpan } from "../../server/platform/tracing/spans";

export async function compileAndPublish(db: Db, orgId: string) {
  const start = process.hrtime.bigint();
  const outcome = await inSpan(
    "fleet.compile",
    { attributes: { "patronus.org_id": orgId } },
    async (span) => {
      const compiled = await compileOrg(db, orgId);
      span?.setAttributes({
        "patronus.revision": compiled?.revision ?? 0,
        "patronus.devices_changed": compiled?.changed ?? 0,
      });
      return compiled;
    },
  ).catch((error: unknown) => {
    compileDuration().observe({ result: "failed" }, secondsSince(start));
    throw error;
  });
  compileDuration().observe({ result: outcome ? "compiled" : "unchanged" }, secondsSince(start));
  if (outcome?.rolloutId && outcome.stage === "canary") {
    await enqueue(
      rolloutTimeoutJob,
      { orgId, rolloutId: outcome.rolloutId, stage: "canary" },
      // Not a request: wait longer for a slow Redis than enqueue's 1 s default, since a
      // retry of this job finds the revision compiled and would not enqueue it again.
      { delayMs: env.FLEET_CANARY_TIMEOUT_SECONDS * 1000, timeoutMs: 10_000 },
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
