import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { defineJob } from "../../../platform/jobs/define-job";

/**
 * Compiles an org's intent into per-device snapshots and starts their rollout. One job per
 * bumped revision; the handler compiles the newest revision under a per-org lock, so a
 * burst of changes costs one real compile and the rest find nothing left to do.
 */
export const compileJob = defineJob({
  queue: "fleet",
  name: "fleet.compile",
  version: 1,
  payload: z.object({ orgId: zText().min(1), revision: z.number().int().min(1) }),
  attempts: 10,
  backoffMs: 500,
  jobId: (p) => `fleet-compile-${p.orgId}-${p.revision}`,
});

/** Halts a rollout stage whose devices have not all answered in time. */
export const rolloutTimeoutJob = defineJob({
  queue: "fleet",
  name: "fleet.rollout-timeout",
  version: 1,
  payload: z.object({
    orgId: zText().min(1),
    rolloutId: zText().min(1),
    stage: z.enum(["canary", "rolling"]),
  }),
  attempts: 5,
  backoffMs: 1_000,
  jobId: (p) => `fleet-rollout-timeout-${p.rolloutId}-${p.stage}`,
});
