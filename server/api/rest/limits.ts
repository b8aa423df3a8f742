// The API's rate limits: per API key and per org (all its keys together), by the org's plan
// (plans.ts: apiCallsPerKeyMinute, apiCallsPerOrgMinute), counted in Redis so every portal
// replica shares them. Answers carry the IETF RateLimit-Policy / RateLimit headers; a call
// past either limit is 429 with Retry-After. While Redis is away calls are not counted
// (fairness, not protection: the per-caller concurrency lanes still hold).
import { billingState } from "../../domains/billing";
import { getDb } from "../../platform/db/client";
import { withScope } from "../../platform/db/with-tenant";
import { hitRateLimitOrAllow } from "../../platform/http/rate-limit";
import { problem } from "../../platform/http/route";
import { getRedis, redisKey } from "../../platform/redis";
import type { ApiKeyCaller } from "../trpc";

const WINDOW_SECONDS = 60;
const CACHE_MS = 30_000;

interface ApiRate {
  perKey: number;
  perOrg: number;
}

const rates = new Map<string, { rate: ApiRate; until: number }>();

/** The org's API rate, from its billing state (read at most every 30 s per process). */
async function rateOf(orgId: string): Promise<ApiRate> {
  const hit = rates.get(orgId);
  if (hit && hit.until > Date.now()) return hit.rate;
  const state = await withScope(getDb(), { orgId }, (tx) => billingState(tx, orgId));
  const rate = {
    perKey: state.limits.apiCallsPerKeyMinute,
    perOrg: state.limits.apiCallsPerOrgMinute,
  };
  rates.set(orgId, { rate, until: Date.now() + CACHE_MS });
  return rate;
}

const unlimited = (n: number) => n >= Number.MAX_SAFE_INTEGER;

/**
 * Counts one call of `key`: the headers to add to its answer, or the 429 to send instead.
 */
export async function countApiCall(
  key: ApiKeyCaller,
  requestId: string,
): Promise<{ headers: Record<string, string> } | { refused: Response }> {
  const rate = await rateOf(key.orgId);
  if (unlimited(rate.perKey) && unlimited(rate.perOrg)) return { headers: {} };
  const redis = getRedis();
  const [perKey, perOrg] = await Promise.all([
    hitRateLimitOrAllow(redis, redisKey("api-rate", "key", key.id), rate.perKey, WINDOW_SECONDS),
    hitRateLimitOrAllow(redis, redisKey("api-rate", "org", key.orgId), rate.perOrg, WINDOW_SECONDS),
  ]);
  const left = (max: number, count: number) => Math.max(0, max - count);
  const keyLeft = left(rate.perKey, perKey.count);
  const orgLeft = left(rate.perOrg, perOrg.count);
  const tighter =
    keyLeft <= orgLeft
      ? { name: "key", r: keyLeft, t: perKey.retryAfterSeconds }
      : { name: "org", r: orgLeft, t: perOrg.retryAfterSeconds };
  const headers = {
    "ratelimit-policy": `"key";q=${rate.perKey};w=${WINDOW_SECONDS}, "org";q=${rate.perOrg};w=${WINDOW_SECONDS}`,
    ratelimit: `"${tighter.name}";r=${tighter.r};t=${tighter.t}`,
  };
  if (perKey.allowed && perOrg.allowed) return { headers };
  const blocked = !perKey.allowed ? perKey : perOrg;
  const which = !perKey.allowed ? "this API key" : "this organization's API keys";
  return {
    refused: problem(
      429,
      "TOO_MANY_REQUESTS",
      `Rate limit of ${which} reached; retry in ${blocked.retryAfterSeconds} s`,
      { requestId },
      { ...headers, "retry-after": String(blocked.retryAfterSeconds) },
    ),
  };
}
