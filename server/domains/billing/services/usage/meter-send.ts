// Step two of the meter (meter.ts): one usage_reports row to Stripe's meter. A row either
// goes (or went: Stripe refuses a known identifier), or never will and is settled with a
// reason; an error that may pass (Stripe down, rate limited, our key refused) is thrown,
// ending the org's run so the next one retries from that row.
import Stripe from "stripe";
import { env } from "../../../../platform/env";
import { stripe } from "../stripe-client";
import { eventTimestamp, tooOldForStripe, type UnsentReport } from "./meter-claim";

/** Stripe's answer to an identifier it has seen: the event is there already. */
export function isDuplicateEvent(error: unknown) {
  return (
    error instanceof Stripe.errors.StripeError &&
    (error.code === "resource_already_exists" || /already exists/i.test(error.message))
  );
}

/**
 * Stripe refused this event for good: a bad request (400/404: an unknown customer, a
 * timestamp out of range...). Rate limits, our key refused (401/403), conflicts and 5xx
 * are about the moment or the account, not the event: sending it later may work.
 */
export function isPermanentRefusal(error: unknown) {
  return error instanceof Stripe.errors.StripeInvalidRequestError && !isDuplicateEvent(error);
}

/** Sends the row's event; returns null once Stripe has it, else why it never will. */
export async function sendReport(row: UnsentReport, now: Date): Promise<string | null> {
  if (tooOldForStripe(row.periodEnd, now)) return "is older than Stripe accepts";
  // Better an hour lost than billed twice: Stripe may have forgotten the identifier.
  if (!row.resendable) return "was claimed over 23 hours ago and never sent";
  try {
    await stripe().billing.meterEvents.create({
      event_name: env.STRIPE_METER_EVENT,
      payload: { stripe_customer_id: row.customerId, value: String(row.value) },
      identifier: row.identifier,
      timestamp: eventTimestamp(row.periodEnd),
    });
    return null;
  } catch (error) {
    if (isDuplicateEvent(error)) return null;
    if (isPermanentRefusal(error)) return `was refused by Stripe (${(error as Error).message})`;
    throw error;
  }
}
