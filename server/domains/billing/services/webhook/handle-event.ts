// One verified Stripe event: recorded once by id, then the customer it names is re-synced
// from Stripe. The payload is used only to find the customer (docs/billing.md "Webhooks").
import type Stripe from "stripe";
import type { Db } from "../../../../platform/db/client";
import { resyncCustomer } from "../sync/resync-customer";

/** Events that can change a customer's subscription or invoices; others are only recorded. */
export const HANDLED_EVENTS = new Set([
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "customer.subscription.paused",
  "customer.subscription.resumed",
  "customer.deleted",
  "invoice.paid",
  "invoice.payment_failed",
  "invoice.marked_uncollectible",
  "invoice.voided",
]);

/** The customer an event is about: the object's `customer`, or the customer itself. */
export function customerOf(event: Stripe.Event): string | null {
  const object = event.data?.object as
    | { object?: string; id?: string; customer?: string | { id?: string } | null }
    | undefined;
  if (!object) return null;
  if (object.object === "customer") return typeof object.id === "string" ? object.id : null;
  const customer = object.customer;
  if (typeof customer === "string") return customer;
  return typeof customer?.id === "string" ? customer.id : null;
}

/**
 * The org the event's object names (a customer's, or our subscription's, metadata.orgId):
 * only a hint, to find the org of a customer Stripe no longer has (resyncCustomer checks it).
 */
export function orgHintOf(event: Stripe.Event): string | null {
  type WithMetadata = { metadata?: { orgId?: unknown } | null };
  const object = event.data?.object as (WithMetadata & { customer?: unknown }) | undefined;
  const customer = typeof object?.customer === "object" ? (object.customer as WithMetadata) : null;
  const hint = object?.metadata?.orgId ?? customer?.metadata?.orgId;
  return typeof hint === "string" && hint ? hint : null;
}

export interface HandledEvent {
  duplicate: boolean;
}

/**
 * Idempotent: an event already processed is a no-op. A failure while re-syncing (Stripe
 * unreachable) throws and leaves the event unprocessed, so Stripe's redelivery retries it.
 */
export async function handleStripeEvent(db: Db, event: Stripe.Event): Promise<HandledEvent> {
  const customerId = customerOf(event);
  await db.stripeEvent.createMany({
    data: [{ id: event.id, type: event.type, customerId }],
    skipDuplicates: true,
  });
  const row = await db.stripeEvent.findUnique({ where: { id: event.id } });
  if (row?.processedAt) return { duplicate: true };
  if (customerId && HANDLED_EVENTS.has(event.type))
    await resyncCustomer(db, customerId, orgHintOf(event));
  // Two concurrent deliveries of one event may both get here: both re-syncs are harmless.
  await db.stripeEvent.updateMany({
    where: { id: event.id, processedAt: null },
    data: { processedAt: new Date() },
  });
  return { duplicate: false };
}
