// A refusal from Stripe reaches the person as a 400 naming the action only; Stripe's own
// message goes to the server log, on one line. Real SDK error classes, no Stripe needed.
import Stripe from "stripe";
import { afterEach, describe, expect, it, vi } from "vitest";
import { stripeCall } from "../../../server/domains/billing/services/portal/stripe-call";

const raw = {
  message: "No such customer: 'cus_secret123'\nsee https://stripe.com/docs",
  statusCode: 400,
  code: "resource_missing",
  requestId: "req_1",
};
const fail = (error: Error) => () => Promise.reject(error);

afterEach(() => vi.restoreAllMocks());

describe("stripeCall", () => {
  it.each([
    ["invalid request", new Stripe.errors.StripeInvalidRequestError(raw)],
    ["idempotency", new Stripe.errors.StripeIdempotencyError(raw)],
  ])("turns a %s error into a 400 without Stripe's message", async (_, error) => {
    const log = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    await expect(stripeCall("start Checkout", fail(error))).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Stripe refused to start Checkout; the error is in the server log",
    });
    expect(log).toHaveBeenCalledTimes(1);
    const line = String(log.mock.calls[0]![0]);
    expect(line).toContain("cus_secret123");
    expect(line).toContain("req_1");
    // One JSON line: the newline in Stripe's message is escaped.
    expect(line.trimEnd()).not.toContain("\n");
    expect(JSON.parse(line)).toMatchObject({ level: "error", component: "billing" });
  });

  it("leaves outages and a bad API key as server errors", async () => {
    const outage = new Stripe.errors.StripeAPIError({ message: "down", statusCode: 500 });
    const key = new Stripe.errors.StripeAuthenticationError({
      message: "bad key",
      statusCode: 401,
    });
    await expect(stripeCall("x", fail(outage))).rejects.toBe(outage);
    await expect(stripeCall("x", fail(key))).rejects.toBe(key);
    expect(await stripeCall("x", () => Promise.resolve(7))).toBe(7);
  });
});
