// The stub's API as the real SDK sees it: auth, errors, idempotency, customers, lists.
import Stripe from "stripe";
import { afterAll, describe, expect, it } from "vitest";
import { startStripeStub } from "../../../tools/stripe-stand-in";
import { sdkFor, subscribed, typesOf } from "./lib";

const stub = await startStripeStub();
const stripe = sdkFor(stub);
afterAll(() => stub.close());

describe("stripe stub API", () => {
  it("creates, updates and finds customers; metadata merges as Stripe's does", async () => {
    const created = await stripe.customers.create({
      email: "a@example.test",
      name: "A",
      metadata: { orgId: "o1", x: "1" },
    });
    expect(created.id).toMatch(/^cus_/);
    const updated = await stripe.customers.update(created.id, {
      name: "B",
      metadata: { x: "", y: "2" },
    });
    expect(updated).toMatchObject({
      name: "B",
      email: "a@example.test",
      metadata: { orgId: "o1", y: "2" },
    });
    expect(updated.metadata).not.toHaveProperty("x");
    expect((await stripe.customers.retrieve(created.id)).id).toBe(created.id);
    const found = await stripe.customers.search({ query: "metadata['orgId']:'o1'" });
    expect(found.data.map((c) => c.id)).toEqual([created.id]);
    expect(stub.events.map((e) => e.type)).toEqual(["customer.created", "customer.updated"]);
  });

  it("answers a repeated Idempotency-Key with the first response", async () => {
    const first = await stripe.customers.create(
      { email: "i@example.test" },
      { idempotencyKey: "cust-org-9" },
    );
    const again = await stripe.customers.create(
      { email: "i@example.test" },
      { idempotencyKey: "cust-org-9" },
    );
    expect(again.id).toBe(first.id);
    const count = (await stripe.customers.list({ email: "i@example.test" })).data.length;
    expect(count).toBe(1);
    const misuse = stripe.customers.create(
      { email: "other@example.test" },
      { idempotencyKey: "cust-org-9" },
    );
    await expect(misuse).rejects.toMatchObject({ type: "StripeIdempotencyError" });
  });

  it("refuses a wrong or missing API key with 401", async () => {
    const wrong = sdkFor(stub, "sk_test_wrong_key_123456");
    await expect(wrong.customers.list()).rejects.toBeInstanceOf(
      Stripe.errors.StripeAuthenticationError,
    );
    const res = await fetch(`${stub.url}/v1/customers`);
    expect(res.status).toBe(401);
    expect((await res.json()).error).toMatchObject({ type: "invalid_request_error" });
  });

  it("answers bad input with 400 naming the param, unknown ids and routes with 404", async () => {
    const missing = stripe.billingPortal.sessions.create({} as never);
    await expect(missing).rejects.toMatchObject({
      statusCode: 400,
      param: "customer",
      message: "Missing required param: customer.",
    });
    const badInt = stripe.checkout.sessions.create({
      mode: "subscription",
      success_url: "http://x.test",
      line_items: [{ price: stub.prices.site, quantity: "two" as never }],
    });
    await expect(badInt).rejects.toMatchObject({
      statusCode: 400,
      param: "line_items[0][quantity]",
    });
    const unknownPrice = stripe.checkout.sessions.create({
      mode: "subscription",
      success_url: "http://x.test",
      line_items: [{ price: "price_nope", quantity: 1 }],
    });
    await expect(unknownPrice).rejects.toMatchObject({
      param: "line_items[0][price]",
      message: "No such price: 'price_nope'",
    });
    await expect(stripe.customers.retrieve("cus_missing")).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
    const res = await fetch(`${stub.url}/v1/nothing-here`, {
      headers: { authorization: `Bearer ${stub.secretKey}` },
    });
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toMatch(/Unrecognized request URL/);
  });

  it("never answers malformed bodies with a 500", async () => {
    const post = (body: string) =>
      fetch(`${stub.url}/v1/customers`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${stub.secretKey}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body,
      });
    for (const body of ["metadata=x&metadata[a]=b", "__proto__[x]=1", "email[a]=1", "%%%"]) {
      const res = await post(body);
      expect(res.status, body).toBeLessThan(500);
    }
    const control = await fetch(`${stub.url}/_stub/customers/cus_x/fail-payments`, {
      method: "POST",
      body: "{not json",
    });
    expect(control.status).toBe(400);
  });

  it("lists a customer's Checkout Sessions by status, and expires an open one", async () => {
    const customer = await stripe.customers.create({ email: "cs@example.test" });
    const create = () =>
      stripe.checkout.sessions.create({
        mode: "subscription",
        customer: customer.id,
        line_items: [{ price: stub.prices.site, quantity: 1 }],
        success_url: "http://x.test",
      });
    const older = await create();
    const newer = await create();
    await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: stub.prices.site, quantity: 1 }],
      success_url: "http://x.test",
    });
    const open = await stripe.checkout.sessions.list({ customer: customer.id, status: "open" });
    expect(open).toMatchObject({ object: "list", has_more: false });
    expect(open.data.map((s) => s.id)).toEqual([newer.id, older.id]);
    expect(await stripe.checkout.sessions.expire(older.id)).toMatchObject({ status: "expired" });
    const still = await stripe.checkout.sessions.list({ customer: customer.id, status: "open" });
    expect(still.data.map((s) => s.id)).toEqual([newer.id]);
    await expect(stripe.checkout.sessions.expire(older.id)).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(stub.completeCheckout(older.id)).rejects.toThrow(/expired/);
    const bad = stripe.checkout.sessions.list({ status: "paid" as never });
    await expect(bad).rejects.toMatchObject({ statusCode: 400, param: "status" });
  });

  it("deletes a customer: its subscriptions are canceled, a retrieve says deleted", async () => {
    const { customer, subscription } = await subscribed(stripe, stub);
    const from = stub.events.length;
    expect(await stripe.customers.del(customer.id)).toEqual({
      id: customer.id,
      object: "customer",
      deleted: true,
    });
    expect(typesOf(stub.events.slice(from))).toEqual([
      "customer.subscription.deleted",
      "customer.deleted",
    ]);
    expect(stub.events.at(-1)?.data.object).toMatchObject({ metadata: { orgId: "org_1" } });
    expect(await stripe.customers.retrieve(customer.id)).toMatchObject({ deleted: true });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("canceled");
    await expect(stripe.customers.update(customer.id, { name: "x" })).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
  });

  it("pages lists newest first with starting_after, as auto-pagination needs", async () => {
    for (let i = 0; i < 3; i++) await stripe.customers.create({ email: "page@example.test" });
    const firstPage = await stripe.customers.list({ email: "page@example.test", limit: 2 });
    expect(firstPage).toMatchObject({ object: "list", has_more: true });
    const all: string[] = [];
    for await (const c of stripe.customers.list({ email: "page@example.test", limit: 2 }))
      all.push(c.id);
    expect(all).toHaveLength(3);
    expect(all.slice(0, 2)).toEqual(firstPage.data.map((c) => c.id));
  });
});
