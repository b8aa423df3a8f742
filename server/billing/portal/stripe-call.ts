import { AppError } from "../../errors";

interface StripeLikeError {
  type?: string;
  statusCode?: number;
  message?: string;
}

/**
 * Runs one Stripe request for a person clicking in the portal. Stripe refusing the request
 * (an unknown customer, a bad price id) becomes a 400 that says so; a bad API key, rate
 * limits and outages stay server errors (logged, "Internal error" to the client).
 */
export async function stripeCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const e = error as StripeLikeError;
    if (e?.type === "StripeInvalidRequestError" && e.statusCode && e.statusCode < 500)
      throw new AppError(
        "BAD_REQUEST",
        `Stripe refused to ${what}: ${e.message ?? "invalid request"}`,
      );
    throw error;
  }
}
