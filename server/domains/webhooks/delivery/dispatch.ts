// The per-endpoint queue: deliveries wait in webhook_deliveries (the outbox) and an
// endpoint's pump hands at most WEBHOOK_ENDPOINT_IN_FLIGHT of them at a time to delivery
// jobs. A receiver that hangs holds only its own endpoint's slots; every other endpoint's
// deliveries go on (test/webhooks/isolation.int.test.ts).
import type { Db } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import { env } from "../../../platform/env";
import { webhookPumpJob } from "../../../platform/events/jobs";
import { enqueue, enqueueOrLeave } from "../../../platform/jobs/queues";
import { webhookDeliverJob } from "../jobs";

/** A claim outlives the attempt's deadline by this much (the job may wait in the queue). */
const CLAIM_MARGIN_SECONDS = 60;

/**
 * Claims the endpoint's due deliveries up to its free slots and enqueues a delivery job for
 * each. A claim whose job vanished (a crashed worker, Redis lost it) expires and is claimed
 * again. Pumps of one endpoint run one at a time (the endpoint row is locked), so the
 * in-flight bound holds with many workers. Returns how many it claimed.
 */
export async function pumpEndpoint(db: Db, orgId: string, endpointId: string) {
  const inFlight = env.WEBHOOK_ENDPOINT_IN_FLIGHT;
  const lockSeconds = Math.ceil(env.WEBHOOK_TIMEOUT_MS / 1000) + CLAIM_MARGIN_SECONDS;
  const claimed = await withScope(db, { orgId }, async (tx) => {
    const [endpoint] = await tx.$queryRaw<{ enabled: boolean }[]>`
      SELECT enabled FROM webhook_endpoints
      WHERE id = ${endpointId} AND "orgId" = ${orgId} FOR UPDATE`;
    if (!endpoint?.enabled) return [];
    const [busy] = await tx.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM webhook_deliveries
      WHERE "orgId" = ${orgId} AND "endpointId" = ${endpointId}
        AND status = 'sending' AND "lockedUntil" > now()`;
    const free = inFlight - (busy?.n ?? 0);
    if (free <= 0) return [];
    return tx.$queryRaw<{ id: string; claims: number }[]>`
      UPDATE webhook_deliveries d SET status = 'sending', claims = d.claims + 1,
        "lockedUntil" = now() + make_interval(secs => ${lockSeconds}), "updatedAt" = now()
      FROM (
        SELECT id FROM webhook_deliveries
        WHERE "orgId" = ${orgId} AND "endpointId" = ${endpointId}
          AND ((status = 'pending' AND "nextAttemptAt" <= now())
            OR (status = 'sending' AND "lockedUntil" <= now()))
        ORDER BY "nextAttemptAt", "createdAt", id
        LIMIT ${free}
      ) due
      WHERE d.id = due.id
      RETURNING d.id, d.claims`;
  });
  for (const d of claimed)
    await enqueueOrLeave(
      webhookDeliverJob,
      { orgId, deliveryId: d.id, claim: d.claims },
      "its claim to expire and the webhook sweep",
    );
  return claimed.length;
}

/** Pumps the endpoint again when its next retry is due (the sweep covers a lost kick). */
export async function pumpLater(orgId: string, endpointId: string, delayMs: number) {
  // A failure is left for the webhook sweep, which finds every due delivery.
  await enqueue(webhookPumpJob, { orgId, endpointId }, { delayMs: Math.max(0, delayMs) }).catch(
    () => undefined,
  );
}

/**
 * The webhook sweep: every endpoint, in any org, with a delivery due (a retry whose kick
 * was lost, an expired claim) is pumped. Reads across orgs through the one read-only
 * policy webhook_deliveries has for it (app.webhook_dispatcher); claims in each org's scope.
 */
export async function sweepWebhooks(db: Db) {
  const due = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.webhook_dispatcher', 'on', true)`;
    return tx.$queryRaw<{ orgId: string; endpointId: string }[]>`
      SELECT DISTINCT "orgId", "endpointId" FROM webhook_deliveries
      WHERE (status = 'pending' AND "nextAttemptAt" <= now())
         OR (status = 'sending' AND "lockedUntil" <= now())
      LIMIT 1000`;
  });
  let claimed = 0;
  for (const d of due) claimed += await pumpEndpoint(db, d.orgId, d.endpointId);
  return claimed;
}
