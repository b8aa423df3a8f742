// Like testkit/stripe-env.ts (import it FIRST), but the SDK reaches the stub through
// a TCP relay that the test can cut: Stripe "unreachable" without stopping the stub.

import type { AddressInfo } from "node:net";
import { connect, createServer, type Socket } from "node:net";
import { afterAll } from "vitest";
import { startStripeStub } from "../../../../tools/stripe-stand-in";

export const stub = await startStripeStub({ webhookUrl: null, autoDeliver: false });
const target = Number(new URL(stub.url).port);
let cut = false;
const open = new Set<Socket>();

const relay = createServer((client) => {
  if (cut) return void client.destroy();
  const upstream = connect(target, "127.0.0.1");
  for (const s of [client, upstream]) {
    open.add(s);
    s.on("close", () => open.delete(s));
    s.on("error", () => {
      client.destroy();
      upstream.destroy();
    });
  }
  client.pipe(upstream).pipe(client);
});
await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
const port = (relay.address() as AddressInfo).port;
Object.assign(process.env, stub.env(), { STRIPE_API_URL: `http://127.0.0.1:${port}` });

/** Cuts (or restores) the network between the app and Stripe, kept-alive sockets too. */
export function cutStripe(on: boolean) {
  cut = on;
  if (on) for (const s of open) s.destroy();
}

afterAll(async () => {
  cutStripe(true);
  await new Promise<void>((resolve) => relay.close(() => resolve()));
  await stub.close();
});
