// Standalone: `npx tsx tools/stripe-stand-in/main.ts [--port N] [--webhook-url URL]
// [--secret-key sk_…] [--webhook-secret whsec_…] [--state-file PATH]`; the keys may come
// from STRIPE_STUB_SECRET_KEY / STRIPE_STUB_WEBHOOK_SECRET instead, out of `ps`'s sight.
// Prints one JSON line {"ready":true,"url":…,"env":{STRIPE_*…}} on stdout when listening,
// and shuts down on SIGTERM/SIGINT (saving the state file, if any). A webhook URL turns auto-delivery on.
import { parseArgs } from "node:util";
import { startStripeStub } from "./index";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    "webhook-url": { type: "string" },
    "secret-key": { type: "string" },
    "webhook-secret": { type: "string" },
    "state-file": { type: "string" },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`stripe stub: --port must be a port number, got "${values.port}"`);
  process.exit(2);
}

const webhookUrl = values["webhook-url"] ?? null;
const stub = await startStripeStub({
  port,
  webhookUrl,
  autoDeliver: webhookUrl !== null,
  // The environment is the way to pass keys without showing them in `ps`.
  secretKey: values["secret-key"] ?? process.env.STRIPE_STUB_SECRET_KEY,
  webhookSecret: values["webhook-secret"] ?? process.env.STRIPE_STUB_WEBHOOK_SECRET,
  stateFile: values["state-file"],
});
// Keys handed in through the environment are not echoed: the caller has them, and this
// line ends up in logs.
const env = stub.env();
if (process.env.STRIPE_STUB_SECRET_KEY) env.STRIPE_SECRET_KEY = "(from STRIPE_STUB_SECRET_KEY)";
if (process.env.STRIPE_STUB_WEBHOOK_SECRET)
  env.STRIPE_WEBHOOK_SECRET = "(from STRIPE_STUB_WEBHOOK_SECRET)";
process.stdout.write(`${JSON.stringify({ ready: true, url: stub.url, env })}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stub.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
