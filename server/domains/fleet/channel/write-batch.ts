// Writing one org's batch of reports: every channel in registry order in one transaction
// under the org's fleet lock, acks lost in flight made up from heartbeats, then the org's
// rollouts moved along.

import type { Heartbeat } from "../../../../protocol";
import { registry } from "../../../features";
import type { Db } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import type { IngestLog } from "../../../platform/features/contract";
import { tryLockOrgFleet } from "../fleet-lock";
import { progressRollouts } from "../rollout/progress";
import { heartbeatChannel, repairLostAcks, stateChannel } from "./core-channels";
import { type AnyChannel, idOf, type OrgBatch } from "./org-batch";

/** The longest one org's batch may hold its transaction. */
const WRITE_TIMEOUT_MS = 30_000;

/**
 * Writes one org's batch of reports in one transaction, channel by channel in registry
 * order; says whether a rollout advanced. The transaction first takes the org's fleet lock
 * (../fleet-lock.ts) without waiting for it: while a compile or another worker's batch
 * holds it, nothing is written and "busy" comes back, so the caller puts the batch back and
 * one busy org never holds up the flush of the others.
 */
export function writeOrgBatch(
  db: Db,
  orgId: string,
  b: OrgBatch,
  log: IngestLog,
  channels: readonly AnyChannel[] = registry().ingestChannels,
): Promise<{ advanced: boolean } | "busy"> {
  return withScope(
    db,
    { orgId },
    async (tx) => {
      if (!(await tryLockOrgFleet(tx, orgId))) return "busy" as const;
      for (const channel of channels) {
        const batch = b.get(idOf(channel));
        if (batch !== undefined && channel.size(batch) > 0)
          await channel.write(tx, orgId, batch, log);
      }
      const states = b.get(idOf(stateChannel)) as Map<string, unknown> | undefined;
      const heartbeats = b.get(idOf(heartbeatChannel)) as Map<string, Heartbeat> | undefined;
      const repaired = heartbeats?.size ? await repairLostAcks(tx, orgId, heartbeats) : 0;
      const advanced =
        (!!states?.size || repaired > 0) && (await progressRollouts(tx, orgId)).advanced.length > 0;
      return { advanced };
    },
    // A batch is a handful of set-based statements, but a large org's can take seconds on a
    // busy database: not Prisma's default 5 s, which would fail it for good and again.
    { timeoutMs: WRITE_TIMEOUT_MS },
  );
}
