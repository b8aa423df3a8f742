// What a rollout changed: in the org's intent (which rules, sites, policies) and in one
// device's desired state. "Before" is the previous rollout's revision, the last state
// rolled out; for a device, the last rollout it was certainly given (docs/diffs.md).
import type { Intent } from "../../../features";
import { registry } from "../../../features";
import type { Tx } from "../../../platform/db/client";
import type { Json } from "../../../platform/diff";
import { notFound } from "../../../platform/errors";
import { deviceConfigDiff, intentAt, sectionDiffs } from "./config-diff";

async function rolloutOf(tx: Tx, orgId: string, rolloutId: string) {
  const r = await tx.rollout.findUnique({
    where: { id: rolloutId, orgId },
    select: { id: true, revision: true },
  });
  if (!r) throw notFound("Rollout");
  return r;
}

/**
 * The revision rolled out before `revision`: the previous rollout's, or for a device the
 * previous one that gave it its revision. A superseded rollout that had a canary stage gave
 * it only to its canaries for sure (the rest may not have got it before it was replaced); one
 * without a canary stage gave it to every device at once. A device that no earlier
 * rollout reached got the compiled revision when it enrolled: the org's previous rollout's
 * is the nearest known. 0 when there is none.
 */
async function previousRevision(tx: Tx, orgId: string, revision: number, deviceId?: string) {
  const prev = await tx.rollout.findFirst({
    where: {
      orgId,
      revision: { lt: revision },
      ...(deviceId
        ? {
            deviceIds: { has: deviceId },
            OR: [
              { status: { not: "superseded" } },
              { canaryIds: { has: deviceId } },
              { canaryIds: { isEmpty: true } },
            ],
          }
        : {}),
    },
    orderBy: { revision: "desc" },
    select: { revision: true },
  });
  return prev?.revision ?? 0;
}

const sectionsOf = (intent: Intent | null) =>
  new Map(Object.entries((intent ?? {}) as Record<string, Json>));

/** Which intent sections (rules, sites, overlay, …) the rollout's revision changed. */
export async function rolloutIntentDiff(tx: Tx, orgId: string, rolloutId: string) {
  const r = await rolloutOf(tx, orgId, rolloutId);
  const from = await previousRevision(tx, orgId, r.revision);
  const before = sectionsOf(await intentAt(tx, orgId, from));
  const after = sectionsOf(await intentAt(tx, orgId, r.revision));
  const names = registry().intentSections.map((s) => s.key);
  return {
    revision: r.revision,
    fromRevision: from === 0 ? null : from,
    sections: sectionDiffs(names, before, after),
  };
}

/** What the rollout changes in one device's desired state, section by section. */
export async function rolloutDeviceDiff(
  tx: Tx,
  orgId: string,
  rolloutId: string,
  deviceId: string,
) {
  const r = await rolloutOf(tx, orgId, rolloutId);
  const from =
    (await previousRevision(tx, orgId, r.revision, deviceId)) ||
    (await previousRevision(tx, orgId, r.revision));
  return deviceConfigDiff(tx, orgId, deviceId, { from, to: r.revision });
}
