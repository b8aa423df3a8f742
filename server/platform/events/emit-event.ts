import { randomBytes } from "node:crypto";
import type { Prisma, Tx } from "../db/client";
import { afterCommit } from "../db/with-tenant";
import { enqueueOrLeave } from "../jobs/queues";
import type { EventData, EventType } from "./catalog";
import { signalChange } from "./changes";
import { webhookPumpJob } from "./jobs";

/** Endpoints already kicked after a transaction's commit: one pump each, however many events. */
const kicked = new WeakMap<Tx, Set<string>>();

export const newEventId = () => `evt_${randomBytes(12).toString("hex")}`;

/**
 * The transactional outbox of webhooks: records the event and one delivery per enabled
 * endpoint of the org subscribed to `type`, in the caller's transaction, so an event is
 * never lost and never sent for a change that rolled back. Delivery starts after the
 * commit. Writes nothing when no endpoint subscribes. The transaction must be scoped to
 * `orgId` (row-level security).
 */
export async function emitEvent<T extends EventType>(
  tx: Tx,
  orgId: string,
  type: T,
  data: EventData[T],
) {
  await emitEvents(tx, orgId, type, [data]);
}

/** emitEvent for many events of one type and org (a batch of enrollments): a few statements. */
export async function emitEvents<T extends EventType>(
  tx: Tx,
  orgId: string,
  type: T,
  data: readonly EventData[T][],
) {
  if (data.length === 0) return;
  await signalChange(tx, orgId, type);
  const endpoints = await tx.webhookEndpoint.findMany({
    where: { orgId, enabled: true, events: { has: type } },
    select: { id: true },
  });
  if (endpoints.length === 0) return;
  // Two set-based INSERTs whatever the batch's size (ten thousand devices coming online):
  // Prisma's createMany binds every column of every row as a parameter.
  const ids = data.map(() => newEventId());
  await tx.$executeRaw`
    INSERT INTO webhook_events (id, "orgId", type, data)
    SELECT e.id, ${orgId}, ${type}, e.data::jsonb
    FROM unnest(${ids}::text[], ${data.map((d) => JSON.stringify(d ?? {}))}::text[]) AS e(id, data)`;
  await tx.$executeRaw`
    INSERT INTO webhook_deliveries (id, "orgId", "endpointId", "eventId", "updatedAt")
    SELECT 'dlv_' || replace(gen_random_uuid()::text, '-', ''), ${orgId}, ep.id, e.id, now()
    FROM unnest(${ids}::text[]) WITH ORDINALITY AS e(id, n)
    CROSS JOIN unnest(${endpoints.map((e) => e.id)}::text[]) AS ep(id)
    ORDER BY e.n`;
  for (const endpoint of endpoints) await kickAfterCommit(tx, orgId, endpoint.id);
}

/** One event of any type, for emitEach. */
export type AnyEvent = { [T in EventType]: { type: T; data: EventData[T] } }[EventType];

/**
 * Events of one org and of several types (a batch of devices coming online and going
 * offline): one emitEvents per type, types in the order first seen, so a batch of N events
 * is a few statements, not 2N round trips under the caller's locks.
 */
export async function emitEach(tx: Tx, orgId: string, events: readonly AnyEvent[]) {
  const byType = new Map<EventType, unknown[]>();
  for (const e of events) {
    const list = byType.get(e.type) ?? [];
    list.push(e.data);
    byType.set(e.type, list);
  }
  for (const [type, data] of byType)
    await emitEvents(tx, orgId, type, data as readonly EventData[typeof type][]);
}

/** Writes an event and its deliveries to `endpointIds` (send-test uses it for one endpoint). */
export async function recordEvent(
  tx: Tx,
  orgId: string,
  type: string,
  data: unknown,
  endpointIds: string[],
) {
  const id = newEventId();
  await tx.webhookEvent.create({
    data: { id, orgId, type, data: (data ?? {}) as Prisma.InputJsonValue },
  });
  await tx.webhookDelivery.createMany({
    data: endpointIds.map((endpointId) => ({ orgId, endpointId, eventId: id })),
  });
  for (const endpointId of endpointIds) await kickAfterCommit(tx, orgId, endpointId);
  return id;
}

/** Pumps the endpoint once the transaction has committed (once per transaction and endpoint). */
export async function kickAfterCommit(tx: Tx, orgId: string, endpointId: string) {
  const seen = kicked.get(tx) ?? new Set<string>();
  kicked.set(tx, seen);
  if (seen.has(endpointId)) return;
  seen.add(endpointId);
  await afterCommit(tx, () =>
    enqueueOrLeave(webhookPumpJob, { orgId, endpointId }, "the webhook sweep"),
  );
}
