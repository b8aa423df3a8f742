// Every intent change goes through bumpRevision in its own transaction: the org's
// revision rises by one, the whole intent is snapshotted at that revision, and once the
// transaction commits a compile job is queued. A rolled-back change queues nothing. The
// committed revision is the durable part: when Redis cannot take the job (down, slow) the
// request still answers at once, and the workers' revision sweep
// (../compile/revision-sweep.ts) queues the compile later.

import type { Actor } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import { afterCommit } from "../../../platform/db/with-tenant";
import { setIntentReviser } from "../../../platform/features/intent-rows";
import { enqueueOrLeave } from "../../../platform/jobs/queues";
import { assertWritable } from "../../billing";
import { compileJob } from "../jobs/fleet-compile";
import { loadIntent } from "./load-intent";
import { writeSnapshot } from "./snapshots";

/**
 * For changes that only take something away or undo (removing a site, a port forward, a
 * service or a rule; a rollback; revoking a device): allowed while the org is read-only,
 * so an unpaid org can still close an exposed port, back out a bad change or shrink its
 * bill. Read-only stops growth and new configuration, not safety.
 */
export const READ_ONLY_OK = { allowReadOnly: true } as const;

export async function bumpRevision(
  tx: Tx,
  orgId: string,
  actor: Actor | null,
  reason: string,
  opts: { allowReadOnly?: boolean } = {},
) {
  // A person's change is refused while the org is read-only (unpaid past its grace period);
  // device-driven bumps (actor null) must keep running sites working, so they never are,
  // nor are removals and undos (READ_ONLY_OK).
  if (actor !== null && !opts.allowReadOnly) await assertWritable(tx, orgId);
  const [row] = await tx.$queryRaw<{ revision: number }[]>`
    INSERT INTO fleet_revisions ("orgId", revision, "updatedAt") VALUES (${orgId}, 1, now())
    ON CONFLICT ("orgId") DO UPDATE SET revision = fleet_revisions.revision + 1, "updatedAt" = now()
    RETURNING revision`;
  const revision = row?.revision as number;
  const intent = await loadIntent(tx, orgId);
  await writeSnapshot(tx, orgId, { revision, intent, actorId: actor?.id ?? null, reason });
  await afterCommit(tx, () =>
    enqueueOrLeave(compileJob, { orgId, revision }, "the fleet revision sweep"),
  );
  return revision;
}

/** A revision's reason naming the devices it is for: "<what> of device a", or "<whats> of 7 devices (a, b, …)". */
export function devicesReason(what: string, whats: string, hostnames: readonly string[]) {
  if (hostnames.length === 1) return `${what} of device ${hostnames[0]}`;
  const shown = hostnames.slice(0, 5).join(", ");
  return `${whats} of ${hostnames.length} devices (${shown}${hostnames.length > 5 ? ", …" : ""})`;
}

// The intent-row helper (platform/features/intent-rows.ts) ends every write with this.
setIntentReviser(bumpRevision);
