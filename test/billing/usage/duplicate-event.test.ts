// Stripe refuses a meter event whose identifier it has seen; the meter counts that as sent.
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { isDuplicateEvent } from "../../../server/billing/usage/meter";

const invalid = (message: string, code?: string) =>
  new Stripe.errors.StripeInvalidRequestError({ type: "invalid_request_error", message, code });

describe("duplicate meter events", () => {
  it("are Stripe's refusals of a known identifier, and nothing else", () => {
    expect(isDuplicateEvent(invalid("An event already exists with identifier usage:o:h."))).toBe(
      true,
    );
    expect(isDuplicateEvent(invalid("Duplicate", "resource_already_exists"))).toBe(true);
    expect(isDuplicateEvent(invalid("No such customer: 'cus_x'", "resource_missing"))).toBe(false);
    expect(isDuplicateEvent(new Error("already exists"))).toBe(false);
  });
});
