// POST /api/webhooks/stripe as a plain Request → Response handler (mounted by
// app/api/webhooks/stripe/route.ts and called directly by tests), on the platform's route
// helper. Never logs the payload or the signature.
import type Stripe from "stripe";
import { z } from "zod";
import { getDb } from "../../../../platform/db/client";
import { env } from "../../../../platform/env";
import { defineRoute, HttpError, problem } from "../../../../platform/http/route";
import { log } from "../../../../platform/log/logger";
import { billingEnabled, stripe } from "../stripe-client";
import { handleStripeEvent } from "./handle-event";

const MAX_BODY = 1_000_000; // Stripe's events are far smaller; anything bigger is not one
/** Stripe's own tolerance for an old signature; a timestamp this far ahead is refused too. */
const TOLERANCE_SECONDS = 300;

const bad = (message: string) => new HttpError(400, "BAD_REQUEST", message);

function verify(body: Buffer, signature: string): Stripe.Event {
  // The SDK refuses a timestamp too far in the past only: a signature made for later (a
  // replay prepared ahead, a signer's clock far off) is refused here.
  const t = Number(/(?:^|,)\s*t=(\d+)/.exec(signature)?.[1]);
  if (Number.isFinite(t) && t > Date.now() / 1000 + TOLERANCE_SECONDS)
    throw bad("The Stripe-Signature timestamp is in the future");
  let event: Stripe.Event;
  try {
    event = stripe().webhooks.constructEvent(
      body,
      signature,
      env.STRIPE_WEBHOOK_SECRET,
      TOLERANCE_SECONDS,
    );
  } catch (error) {
    const e = error as { type?: string };
    if (e?.type === "StripeSignatureVerificationError")
      throw bad("The Stripe-Signature header does not match this payload");
    throw bad("The payload is not valid JSON");
  }
  if (typeof event?.id !== "string" || typeof event.type !== "string")
    throw bad("The payload is not a Stripe event");
  return event;
}

export const stripeWebhookHandler = defineRoute({
  name: "billing.stripe-webhook",
  maxBodyBytes: MAX_BODY,
  output: z.object({ received: z.literal(true), duplicate: z.literal(true).optional() }),
  async handle({ request, raw, requestId }) {
    if (!billingEnabled()) throw new HttpError(404, "NOT_FOUND", "Billing is not enabled here");
    const signature = request.headers.get("stripe-signature");
    if (!signature) throw bad("Missing Stripe-Signature header");
    const event = verify(raw, signature);
    try {
      const { duplicate } = await handleStripeEvent(getDb(), event);
      return duplicate
        ? { received: true as const, duplicate: true as const }
        : { received: true as const };
    } catch (error) {
      log.error("Stripe webhook failed; Stripe will retry", {
        component: "billing",
        eventId: event.id,
        type: event.type,
        error: (error as Error).message,
      });
      return problem(500, "RETRY", "Could not process the event now; Stripe will retry", {
        requestId,
      });
    }
  },
});
