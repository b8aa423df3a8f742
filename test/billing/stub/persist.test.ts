// The stub's optional state file (the demo's `npm start`): a restarted stub still knows the
// customers, subscriptions, invoices and meter events of the run before; a bad file is
// reported and ignored, never a crash.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type StripeStub, startStripeStub } from "../../../tools/stripe-stand-in";
import { sdkFor, subscribed } from "./lib";

let dir: string;
let file: string;
const stubs: StripeStub[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "stripe-stub-state-"));
  file = join(dir, "state.json");
});
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(stubs.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(stateFile = file) {
  const stub = await startStripeStub({ stateFile });
  stubs.push(stub);
  return stub;
}

const meter = (stub: StripeStub, customer: string, value: number) =>
  sdkFor(stub).billing.meterEvents.create({
    event_name: stub.meterEventName,
    identifier: "usage-org_1-2026-11-26T10",
    payload: { stripe_customer_id: customer, value: String(value) },
  });

describe("stripe stub state file", () => {
  it("a restarted stub still knows the customer, subscription, invoices and meter events", async () => {
    const first = await start();
    const { customer, subscription } = await subscribed(sdkFor(first), first);
    await meter(first, customer.id, 5);
    await first.close();

    const second = await start();
    expect(second.url).not.toBe(first.url);
    const stripe = sdkFor(second);
    expect((await stripe.customers.retrieve(customer.id)).id).toBe(customer.id);
    const sub = await stripe.subscriptions.retrieve(subscription.id);
    expect(sub).toMatchObject({ status: "active", customer: customer.id });
    const invoices = await stripe.invoices.list({ customer: customer.id });
    expect(invoices.data).toHaveLength(1);
    // Hosted pages moved to the new port with the stub.
    expect(invoices.data[0]!.hosted_invoice_url).toBe(
      `${second.url}/invoices/${invoices.data[0]!.id}`,
    );
    expect((await fetch(invoices.data[0]!.hosted_invoice_url!)).status).toBe(200);

    // The same identifier again is still the same event, counted once.
    await meter(second, customer.id, 7);
    expect(second.meterEvents()).toEqual([
      expect.objectContaining({ identifier: "usage-org_1-2026-11-26T10", value: 5 }),
    ]);

    // "Manage billing" works for the customer of the earlier run.
    const portal = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: "http://portal.test/billing",
    });
    expect((await fetch(portal.url)).status).toBe(200);
  });

  it("saves changes without waiting for close", async () => {
    const stub = await start();
    const customer = await sdkFor(stub).customers.create({ email: "saved@example.test" });
    await vi.waitFor(() => expect(readFileSync(file, "utf8")).toContain(customer.id));
    expect(readdirSync(dir)).toEqual(["state.json"]); // no temp file left behind
  });

  it.each([
    ["not JSON", "{not json"],
    ["the wrong shape", JSON.stringify({ version: 1, customers: "cus_1" })],
  ])("a state file that is %s is reported on stderr and the stub starts empty", async (_, text) => {
    writeFileSync(file, text);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const stub = await start();
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]![0])).toMatch(/corrupt state file .*starting empty/);
    const stripe = sdkFor(stub);
    expect((await stripe.customers.list()).data).toEqual([]);
    // Kept for a look instead of being overwritten by the next save.
    expect(readFileSync(`${file}.corrupt`, "utf8")).toBe(text);
    const customer = await stripe.customers.create({ email: "fresh@example.test" });
    await stub.close();
    expect(readFileSync(file, "utf8")).toContain(customer.id);
  });

  it("starts empty without a state file, and creates it (and its folder) on the first change", async () => {
    const nested = join(dir, "data", "state.json");
    const stub = await start(nested);
    expect(existsSync(nested)).toBe(false);
    await sdkFor(stub).customers.create({ email: "new@example.test" });
    await stub.close();
    expect(JSON.parse(readFileSync(nested, "utf8")).customers).toHaveLength(1);
  });
});
