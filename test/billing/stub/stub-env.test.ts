// testkit/stripe-env.ts: a stub running and its settings in process.env on import.

import { describe, expect, it } from "vitest";
import { stub } from "../../../testkit/stripe-env";

describe("billing stub-env", () => {
  it("puts the stub's STRIPE_* settings into process.env", async () => {
    expect(process.env.STRIPE_API_URL).toBe(stub.url);
    expect(process.env.STRIPE_SECRET_KEY).toBe(stub.secretKey);
    expect(process.env.STRIPE_PRICE_SITE).toBe(stub.prices.site);
    const res = await fetch(`${stub.url}/v1/prices/${stub.prices.data}`, {
      headers: { authorization: `Bearer ${process.env.STRIPE_SECRET_KEY}` },
    });
    expect((await res.json()).recurring.usage_type).toBe("metered");
  });
});
