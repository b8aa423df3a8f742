// The standalone stub (what `npm start` and Playwright run): the ready line, a working API
// behind it, a clean exit on SIGTERM, and its state file across a restart.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("../../../tools/stripe-stand-in/main.ts", import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function run(...args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return child;
}

async function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, "line")) as [string];
  lines.close();
  return line;
}

// Each test starts tsx processes: seconds on a busy 2-core machine, so more than 5 s allowed.
describe("stripe stub main.ts", { timeout: 30_000 }, () => {
  it("prints one ready line with the env, serves the API, exits 0 on SIGTERM", async () => {
    const child = run(
      "--port",
      "0",
      "--webhook-url",
      "http://127.0.0.1:9/hook",
      "--secret-key",
      "sk_test_fixed_demo",
    );
    const ready = JSON.parse(await firstLine(child));
    expect(ready).toMatchObject({
      ready: true,
      env: {
        STRIPE_SECRET_KEY: "sk_test_fixed_demo",
        STRIPE_API_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        STRIPE_PRICE_SITE: "price_stub_site",
        STRIPE_PRICE_DATA: "price_stub_data",
        STRIPE_METER_EVENT: "patronus_data_transfer_mb",
        STRIPE_WEBHOOK_SECRET: expect.stringMatching(/^whsec_/),
      },
    });
    const url = new URL(ready.env.STRIPE_API_URL);
    const stripe = new Stripe(ready.env.STRIPE_SECRET_KEY, {
      host: url.hostname,
      port: Number(url.port),
      protocol: "http",
    });
    expect((await stripe.prices.retrieve("price_stub_site")).unit_amount).toBe(4900);
    const state = await (await fetch(`${url.origin}/_stub/state`)).json();
    expect(state).toMatchObject({ autoDeliver: true, webhookUrl: "http://127.0.0.1:9/hook" });
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });

  it("--state-file: the state survives a SIGTERM and a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stripe-stub-main-"));
    const args = ["--secret-key", "sk_test_fixed_demo", "--state-file", join(dir, "state.json")];
    try {
      const sdk = async (child: ChildProcess) => {
        const url = new URL(JSON.parse(await firstLine(child)).env.STRIPE_API_URL);
        const opts = { host: url.hostname, port: Number(url.port), protocol: "http" as const };
        return new Stripe("sk_test_fixed_demo", opts);
      };
      const first = run(...args);
      const customer = await (await sdk(first)).customers.create({ email: "kept@example.test" });
      first.kill("SIGTERM");
      expect((await once(first, "exit"))[0]).toBe(0);
      const second = run(...args);
      expect((await (await sdk(second)).customers.retrieve(customer.id)).id).toBe(customer.id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a bad --port with a clear message", async () => {
    const child = run("--port", "eighty");
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(stderr).toContain("--port must be a port number");
  });
});
