// How the meter reads Stripe's errors (server/domains/billing/services/usage/meter-send.ts): a known
// identifier counts as sent; a bad request is a permanent refusal of that one event (the
// row is settled and the run goes on); anything else may pass and stops the run.
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  isDuplicateEvent,
  isPermanentRefusal,
} from "../../../server/domains/billing/services/usage/meter-send";

const raw = (statusCode: number, message: string, code?: string) => ({
  type: "invalid_request_error" as const,
  statusCode,
  message,
  code,
});
const invalid = (message: string, code?: string) =>
  new Stripe.errors.StripeInvalidRequestError(raw(400, message, code));

describe("meter errors", () => {
  it("a duplicate is Stripe's refusal of a known identifier, and nothing else", () => {
    expect(isDuplicateEvent(invalid("An event already exists with identifier usage:o:h."))).toBe(
      true,
    );
    expect(isDuplicateEvent(invalid("Duplicate", "resource_already_exists"))).toBe(true);
    expect(isDuplicateEvent(invalid("No such customer: 'cus_x'", "resource_missing"))).toBe(false);
    expect(isDuplicateEvent(new Error("already exists"))).toBe(false);
  });

  it("a bad request is permanent; a duplicate, rate limit, auth, 5xx or no connection is not", () => {
    const missing = new Stripe.errors.StripeInvalidRequestError(raw(404, "No such customer"));
    expect(isPermanentRefusal(missing)).toBe(true);
    expect(isPermanentRefusal(invalid("Invalid timestamp", "parameter_invalid"))).toBe(true);
    expect(isPermanentRefusal(invalid("Duplicate", "resource_already_exists"))).toBe(false);
    const passing = [
      new Stripe.errors.StripeRateLimitError(raw(429, "Too many requests")),
      new Stripe.errors.StripeAuthenticationError(raw(401, "Invalid API key")),
      new Stripe.errors.StripePermissionError(raw(403, "Not allowed")),
      new Stripe.errors.StripeAPIError(raw(500, "Something went wrong")),
      new Stripe.errors.StripeConnectionError({ message: "ECONNREFUSED" }),
      new Error("socket hang up"),
    ];
    for (const error of passing) expect(isPermanentRefusal(error)).toBe(false);
  });
});
