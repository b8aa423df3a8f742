// The delivery log of an endpoint, replay and test deliveries.
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import { AppError, notFound } from "../../../platform/errors";
import { TEST_EVENT } from "../../../platform/events/catalog";
import { kickAfterCommit, recordEvent } from "../../../platform/events/emit-event";
import { requireEndpoint } from "./endpoints";

export async function listDeliveries(
  tx: Tx,
  orgId: string,
  input: {
    endpointId: string;
    limit: number;
    cursor?: string | null;
    status?: "pending" | "sending" | "succeeded" | "dead";
  },
) {
  await requireEndpoint(tx, orgId, input.endpointId);
  const rows = await tx.webhookDelivery.findMany({
    where: {
      orgId,
      endpointId: input.endpointId,
      ...(input.status ? { status: input.status } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor, orgId }, skip: 1 } : {}),
    include: { event: { select: { type: true } } },
  });
  const items = rows.slice(0, input.limit).map((d) => ({
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventType: d.event.type,
    status: d.status,
    attempts: d.attempts,
    responseStatus: d.responseStatus,
    responseExcerpt: d.responseExcerpt,
    error: d.error,
    durationMs: d.durationMs,
    lastAttemptAt: d.lastAttemptAt,
    nextAttemptAt: d.nextAttemptAt,
    createdAt: d.createdAt,
  }));
  return { items, next: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null };
}

/** Puts deliveries back in the queue, due now, with a fresh retry window. */
async function requeue(
  tx: Tx,
  orgId: string,
  where: { endpointId: string; id?: string; status?: "dead" },
) {
  const { count } = await tx.webhookDelivery.updateMany({
    where: { orgId, ...where, status: where.status ?? { not: "sending" } },
    data: {
      status: "pending",
      attempts: 0,
      nextAttemptAt: new Date(),
      windowStartedAt: new Date(),
      lockedUntil: null,
    },
  });
  return count;
}

/** Delivers one delivery again (whatever its status but in flight), as a new series of attempts. */
export async function replayDelivery(tx: Tx, actor: Actor, orgId: string, deliveryId: string) {
  const d = await tx.webhookDelivery.findFirst({ where: { orgId, id: deliveryId } });
  if (!d) throw notFound("Delivery");
  if (d.status === "sending")
    throw new AppError(
      "CONFLICT",
      "This delivery is being attempted right now; replay it once it ends",
    );
  await requeue(tx, orgId, { endpointId: d.endpointId, id: d.id });
  await writeAudit(tx, actor, {
    orgId,
    action: "webhook.replay",
    targetType: "webhook_delivery",
    targetId: d.id,
    after: { endpointId: d.endpointId, eventId: d.eventId },
  });
  await kickAfterCommit(tx, orgId, d.endpointId);
  return { replayed: 1 };
}

/** Delivers every dead-lettered delivery of an endpoint again. */
export async function replayDead(tx: Tx, actor: Actor, orgId: string, endpointId: string) {
  await requireEndpoint(tx, orgId, endpointId);
  const replayed = await requeue(tx, orgId, { endpointId, status: "dead" });
  await writeAudit(tx, actor, {
    orgId,
    action: "webhook.replay_dead",
    targetType: "webhook_endpoint",
    targetId: endpointId,
    after: { replayed },
  });
  if (replayed) await kickAfterCommit(tx, orgId, endpointId);
  return { replayed };
}

/** A `webhook.test` event to this endpoint alone, whatever it subscribes to. */
export async function sendTest(tx: Tx, actor: Actor, orgId: string, endpointId: string) {
  const endpoint = await requireEndpoint(tx, orgId, endpointId);
  if (!endpoint.enabled)
    throw new AppError("CONFLICT", "Enable the endpoint before sending a test");
  const eventId = await recordEvent(
    tx,
    orgId,
    TEST_EVENT,
    { message: "A test delivery from Patronus" },
    [endpoint.id],
  );
  await writeAudit(tx, actor, {
    orgId,
    action: "webhook.send_test",
    targetType: "webhook_endpoint",
    targetId: endpoint.id,
    after: { eventId },
  });
  return { eventId };
}
