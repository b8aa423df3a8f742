// Signed webhook deliveries: signatures the SDK verifies, auto-delivery in order with
// retries, a receiver calling back into the stub while it handles an event, and the hosted
// Pay button waiting for its events to arrive.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, describe, expect, it } from "vitest";
import { startStripeStub } from "../../../tools/stripe-stand-in";
import { sdkFor, subscribed } from "./lib";

interface Receiver {
  url: string;
  received: Stripe.Event[];
  /** Answer 500 to the next n deliveries. */
  failNext(n: number): void;
  server: Server;
}

/** A webhook endpoint that verifies signatures as the portal's does. */
async function startReceiver(
  secret: string,
  onEvent?: (e: Stripe.Event) => Promise<void>,
): Promise<Receiver> {
  const received: Stripe.Event[] = [];
  let failures = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (failures > 0) {
      failures--;
      res.writeHead(500).end();
      return;
    }
    try {
      const event = Stripe.webhooks.constructEvent(
        Buffer.concat(chunks),
        String(req.headers["stripe-signature"]),
        secret,
      );
      await onEvent?.(event);
      received.push(event);
      res.writeHead(200).end("{}");
    } catch {
      res.writeHead(400).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/stripe`;
  return { url, received, server, failNext: (n) => (failures = n) };
}

const closing: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closing.reverse()) await close();
});

async function setup(onEvent?: (e: Stripe.Event) => Promise<void>) {
  const stub = await startStripeStub();
  const receiver = await startReceiver(stub.webhookSecret, onEvent);
  closing.push(
    () => new Promise((r) => receiver.server.close(() => r())),
    () => stub.close(),
  );
  return { stub, receiver, stripe: sdkFor(stub) };
}

describe("stripe stub webhooks", () => {
  it("signs events so that stripe.webhooks.constructEvent accepts them, and only with the secret", async () => {
    const { stub, stripe } = await setup();
    await stripe.customers.create({ email: "sig@example.test" });
    const event = stub.events[0]!;
    const { body, signature } = stub.sign(event);
    expect(stripe.webhooks.constructEvent(body, signature, stub.webhookSecret).id).toBe(event.id);
    expect(() => stripe.webhooks.constructEvent(body, signature, "whsec_other")).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(event).toMatchObject({
      object: "event",
      livemode: false,
      api_version: expect.stringMatching(/^2026-10-28/),
    });
  });

  it("deliver() POSTs one signed event and returns the receiver's status", async () => {
    const { stub, receiver, stripe } = await setup();
    await stripe.customers.create({ email: "d@example.test" });
    stub.setWebhookUrl(receiver.url);
    expect(await stub.deliver(stub.events[0]!)).toBe(200);
    expect(receiver.received.map((e) => e.id)).toEqual([stub.events[0]!.id]);
  });

  it("auto-delivers every event in order, retrying a failed delivery", async () => {
    const { stub, receiver, stripe } = await setup();
    stub.setWebhookUrl(receiver.url);
    stub.setAutoDeliver(true);
    receiver.failNext(2);
    await subscribed(stripe, stub);
    await stub.flush();
    expect(receiver.received.map((e) => e.id)).toEqual(stub.events.map((e) => e.id));
  });

  it("a receiver that calls back into the stub while handling does not block it", async () => {
    let stripe: Stripe | undefined;
    const seenStatus: string[] = [];
    const {
      stub,
      receiver,
      stripe: sdk,
    } = await setup(async (event) => {
      if (event.type !== "checkout.session.completed") return;
      const session = event.data.object as Stripe.Checkout.Session;
      seenStatus.push((await stripe!.subscriptions.retrieve(String(session.subscription))).status);
    });
    stripe = sdk;
    stub.setWebhookUrl(receiver.url);
    stub.setAutoDeliver(true);
    const customer = await sdk.customers.create({ email: "cb@example.test" });
    const session = await sdk.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: stub.prices.site, quantity: 1 }],
      subscription_data: { trial_period_days: 14 },
      success_url: "http://portal.test/ok",
    });
    // The hosted Pay button answers only once its events were delivered.
    const res = await fetch(`${session.url}/pay`, { method: "POST", redirect: "manual" });
    expect(res.status).toBe(303);
    expect(seenStatus).toEqual(["trialing"]);
    expect(receiver.received.map((e) => e.type)).toContain("checkout.session.completed");
  });
});
