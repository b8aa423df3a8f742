// The local Stripe stand-in (tools/stripe-stand-in) for the demo: with STRIPE_SECRET_KEY
// empty, `npm start` runs it on loopback so the demo can subscribe, open the customer portal
// and receive webhooks without a Stripe account. With a key set, Stripe itself is used.
// Its state and keys live in .data/, so orgs that subscribed in an earlier run can still
// manage their billing after a restart.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { StartError } from "./log.mjs";

const READY_TIMEOUT_MS = 60_000;

/** A port nothing listens on right now, on 127.0.0.1. */
export function freeLoopbackPort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The stand-in's API key and webhook secret: made once and kept in `dataDir`, so they are
 * the same every run (random rather than fixed strings: the portal accepts webhooks signed
 * with the secret, and it may listen beyond loopback).
 */
function standInKeys(dataDir) {
  const file = join(dataDir, "stripe-stand-in-keys.json");
  try {
    const keys = JSON.parse(readFileSync(file, "utf8"));
    if (typeof keys?.secretKey === "string" && typeof keys.webhookSecret === "string") return keys;
  } catch {
    // the first run (or an unreadable file): new keys
  }
  const keys = {
    secretKey: `sk_test_stub_${randomBytes(24).toString("hex")}`,
    webhookSecret: `whsec_stub_${randomBytes(24).toString("hex")}`,
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}

/**
 * Starts the stand-in under `supervisor` and resolves with the environment it prints once
 * ready (STRIPE_SECRET_KEY, STRIPE_API_URL, the price ids, ...), for the portal and workers.
 */
export function startStripeStandIn(supervisor, { port, webhookUrl, env, cwd, onStart }) {
  const dataDir = join(cwd, ".data");
  const { secretKey, webhookSecret } = standInKeys(dataDir);
  const args = ["--no", "--", "tsx", "tools/stripe-stand-in/main.ts"];
  args.push("--port", String(port), "--webhook-url", webhookUrl);
  args.push("--state-file", join(dataDir, "stripe-stand-in.json"));
  // Keys go through the environment, not argv, which every local user can read in `ps`.
  const keyEnv = {
    ...env,
    STRIPE_STUB_SECRET_KEY: secretKey,
    STRIPE_STUB_WEBHOOK_SECRET: webhookSecret,
  };
  const child = supervisor.start("stripe", "dim", "npx", args, { env: keyEnv, cwd, onStart });
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (fn, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      fn(value);
    };
    const timer = setTimeout(
      () => finish(reject, new StartError("the local Stripe stand-in did not start in 60 s")),
      READY_TIMEOUT_MS,
    );
    // A second reader next to the supervisor's prefixing one; never closed, since closing a
    // readline interface pauses the stream both read from.
    createInterface({ input: child.stdout }).on("line", (line) => {
      try {
        const message = JSON.parse(line);
        if (message?.ready && message.env)
          finish(resolve, {
            ...message.env,
            STRIPE_SECRET_KEY: secretKey,
            STRIPE_WEBHOOK_SECRET: webhookSecret,
          });
      } catch {
        // an ordinary log line
      }
    });
    child.once("exit", (code) =>
      finish(reject, new StartError(`the local Stripe stand-in exited with code ${code}`)),
    );
  });
}
