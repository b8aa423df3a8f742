// The portal's React Query retry rule: a 429 (the per-user budget refusing a burst) is
// retried with backoff; other 4xx are not; server errors a couple of times.
import { describe, expect, it } from "vitest";
import { retryDelay, shouldRetry } from "../../app/_trpc/query-client";

const trpcError = (httpStatus: number) => ({ data: { httpStatus } });

describe("portal query retries", () => {
  it("retries a 429 up to four times", () => {
    expect(shouldRetry(0, trpcError(429))).toBe(true);
    expect(shouldRetry(3, trpcError(429))).toBe(true);
    expect(shouldRetry(4, trpcError(429))).toBe(false);
  });

  it("never retries other client errors, and server errors twice", () => {
    for (const status of [400, 401, 403, 404, 409, 412])
      expect(shouldRetry(0, trpcError(status))).toBe(false);
    expect(shouldRetry(1, trpcError(500))).toBe(true);
    expect(shouldRetry(2, trpcError(500))).toBe(false);
    expect(shouldRetry(0, new Error("network"))).toBe(true);
  });

  it("backs off, capped, with jitter", () => {
    for (let n = 0; n < 10; n++) {
      const d = retryDelay(n);
      expect(d).toBeGreaterThanOrEqual(Math.min(8_000, 1_000 * 2 ** n) * 0.75);
      expect(d).toBeLessThanOrEqual(8_000 * 1.25);
    }
  });
});
