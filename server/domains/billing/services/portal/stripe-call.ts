import { AppError } from "../../../../platform/errors";
import { log } from "../../../../platform/log/logger";

interface StripeLikeError {
  type?: string;
  statusCode?: number;
  code?: string;
  requestId?: string;
  message?: string;
}

/** Stripe refusing the request itself (not an outage, a bad key or a rate limit). */
const REFUSALS = new Set(["StripeInvalidRequestError", "StripeIdempotencyError"]);

/**
 * Runs one Stripe request for a person clicking in the portal. Stripe refusing the request
 * (an unknown customer, a bad price id, a reused idempotency key) becomes a 400 that names
 * the action only: Stripe's own message may name ids and settings of our account, so it
 * goes to the server log. A bad API key, rate limits and outages stay server errors
 * (logged, "Internal error" to the client).
 */
export async function stripeCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const e = error as StripeLikeError;
    if (e?.type && REFUSALS.has(e.type) && (e.statusCode ?? 400) < 500) {
      const message = (e.message ?? "").replace(/\s+/g, " ");
      log.error(`Stripe refused to ${what}`, {
        component: "billing",
        type: e.type,
        status: e.statusCode,
        code: e.code,
        requestId: e.requestId,
        message,
      });
      throw new AppError(
        "BAD_REQUEST",
        `Stripe refused to ${what}; the error is in the server log`,
      );
    }
    throw error;
  }
}
