// The one place a Stripe client is made. Billing is on when STRIPE_SECRET_KEY is set;
// STRIPE_API_URL points the SDK elsewhere (the test stand-in), nothing else changes.
import Stripe from "stripe";
import { env } from "../../../platform/env";
import { AppError } from "../../../platform/errors";

let client: Stripe | null = null;

export const billingEnabled = () => env.STRIPE_SECRET_KEY !== "";

function options(): Stripe.StripeConfig {
  if (!env.STRIPE_API_URL) return { maxNetworkRetries: 2, timeout: 20_000 };
  const url = new URL(env.STRIPE_API_URL);
  return {
    host: url.hostname,
    port: Number(url.port) || (url.protocol === "https:" ? 443 : 80),
    protocol: url.protocol === "https:" ? "https" : "http",
    maxNetworkRetries: 2,
    timeout: 20_000,
  };
}

/** The Stripe client; throws a clear error when billing is off. */
export function stripe(): Stripe {
  if (!billingEnabled()) throw new AppError("BAD_REQUEST", "Billing is not enabled here");
  client ??= new Stripe(env.STRIPE_SECRET_KEY, options());
  return client;
}
