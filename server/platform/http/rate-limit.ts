import type { Redis } from "ioredis";

export interface RateLimitResult {
  allowed: boolean;
  count: number;
  retryAfterSeconds: number;
}

/**
 * Fixed-window counter in Redis: INCR, and set the expiry on the first hit of a window.
 * Shared by every portal replica because the state lives in Redis, not in the process.
 */
export async function hitRateLimit(
  redis: Redis,
  key: string,
  max: number,
  windowSeconds: number,
): Promise<RateLimitResult> {
  const [[, count], [, ttl]] = (await redis.multi().incr(key).ttl(key).exec()) as [
    [null, number],
    [null, number],
  ];
  if (ttl < 0) await redis.expire(key, windowSeconds);
  return {
    allowed: count <= max,
    count,
    retryAfterSeconds: ttl > 0 ? ttl : windowSeconds,
  };
}
