// POST /api/webhooks/stripe as a plain Request → Response handler (mounted by
// app/api/webhooks/stripe/route.ts and called directly by tests). Never logs the payload
// or the signature.
import type Stripe from "stripe";
import { getDb } from "../../../../platform/db/client";
import { env } from "../../../../platform/env";
import { log } from "../../../../platform/log/logger";
import { billingEnabled, stripe } from "../stripe-client";
import { handleStripeEvent } from "./handle-event";

const MAX_BODY = 1_000_000; // Stripe's events are far smaller; anything bigger is not one

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });

function verify(body: string, signature: string): Stripe.Event | string {
  try {
    const event = stripe().webhooks.constructEvent(body, signature, env.STRIPE_WEBHOOK_SECRET);
    if (typeof event?.id !== "string" || typeof event.type !== "string")
      return "The payload is not a Stripe event";
    return event;
  } catch (error) {
    const e = error as { type?: string };
    if (e?.type === "StripeSignatureVerificationError")
      return "The Stripe-Signature header does not match this payload";
    return "The payload is not valid JSON";
  }
}

export async function stripeWebhookHandler(request: Request): Promise<Response> {
  if (!billingEnabled()) return json(404, { error: "Billing is not enabled here" });
  // Refused before reading: a declared size over the limit is never buffered.
  if (Number(request.headers.get("content-length")) > MAX_BODY)
    return json(413, { error: "Payload too large" });
  const signature = request.headers.get("stripe-signature");
  if (!signature) return json(400, { error: "Missing Stripe-Signature header" });
  const body = await request.text();
  // A body without Content-Length (chunked) is only known once read.
  if (body.length > MAX_BODY) return json(400, { error: "Payload too large" });
  const event = verify(body, signature);
  if (typeof event === "string") return json(400, { error: event });
  try {
    const { duplicate } = await handleStripeEvent(getDb(), event);
    return json(200, duplicate ? { received: true, duplicate: true } : { received: true });
  } catch (error) {
    log.error("Stripe webhook failed; Stripe will retry", {
      component: "billing",
      eventId: event.id,
      type: event.type,
      error: (error as Error).message,
    });
    return json(500, { error: "Could not process the event now; Stripe will retry" });
  }
}
