// Import this FIRST in an alerting test file: server/platform/env.ts reads the environment
// once. Receivers run on 127.0.0.1 (only the operator setting allows it); retries back off
// from a few milliseconds so a test sees all of them without waiting.
Object.assign(process.env, {
  WEBHOOK_ALLOW_CIDRS: "127.0.0.1/32",
  WEBHOOK_TIMEOUT_MS: "3000",
  ALERT_NOTIFY_BACKOFF_MS: "10",
});
