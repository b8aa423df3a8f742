// Import this FIRST in a webhook test file: server/platform/env.ts reads the environment
// once, at import. Receivers run on 127.0.0.1, which only the operator setting allows;
// retries back off from a few milliseconds so a test sees several without waiting.
Object.assign(process.env, {
  WEBHOOK_ALLOW_CIDRS: "127.0.0.1/32",
  WEBHOOK_BACKOFF_BASE_MS: "20",
  WEBHOOK_TIMEOUT_MS: "3000",
});
