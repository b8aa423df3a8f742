import { createHmac } from "node:crypto";

/**
 * `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">` for each live secret, space-separated: a
 * receiver accepts the delivery when any of them verifies with a secret it holds, so it can
 * switch secrets at its own pace during a rotation. The key is the secret string itself.
 */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string) {
  return secrets
    .map(
      (secret) => `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`,
    )
    .join(" ");
}

/** The headers of one delivery (Standard-Webhooks-like; docs/webhooks.md). */
export function webhookHeaders(p: {
  eventId: string;
  body: string;
  secrets: readonly string[];
  timestamp?: number;
}) {
  const timestamp = p.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    "patronus-webhook-id": p.eventId,
    "patronus-webhook-timestamp": String(timestamp),
    "patronus-signature": signatureHeader(p.secrets, timestamp, p.body),
  };
}
