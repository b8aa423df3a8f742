import { log } from "../log/logger";
import { type RedisClient, redisAvailable } from "../redis";

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
  redis: RedisClient,
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

/**
 * hitRateLimit for limits whose only job is fairness or slowing guessers down: while Redis
 * is away the call is allowed (and not counted) instead of waiting for Redis or failing,
 * so an outage of Redis never holds a request. Limits that protect others (mail, sign-in)
 * keep failing closed through hitRateLimit itself.
 */
export async function hitRateLimitOrAllow(
  redis: RedisClient,
  key: string,
  max: number,
  windowSeconds: number,
): Promise<RateLimitResult> {
  const open = { allowed: true, count: 0, retryAfterSeconds: 0 };
  if (!redisAvailable(redis)) return open;
  try {
    return await hitRateLimit(redis, key, max, windowSeconds);
  } catch (error) {
    log.warn("rate limit not counted: Redis unavailable", { key, error: (error as Error).message });
    return open;
  }
}
