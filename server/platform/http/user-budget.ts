import { AppError } from "../errors";
import { getRedis, redisKey } from "../redis";
import { hitRateLimitOrAllow } from "./rate-limit";

/**
 * Each caller's share of the portal (docs/security.md): how many of its calls run at once,
 * how many may wait behind them, and how many it may make per window. The concurrency cap
 * is what keeps the database pool (DATABASE_POOL_MAX connections per portal process) from
 * being taken by one user: a tenant procedure holds one connection for its transaction.
 */
export const USER_BUDGET = {
  concurrent: 4,
  queued: 32,
  callsPerWindow: 600,
  windowSeconds: 60,
};

interface Lane {
  running: number;
  waiting: (() => void)[];
}

/** Per caller, in this process. A lane exists only while its caller has calls in flight. */
const lanes = new Map<string, Lane>();

const tooMany = (message: string) => new AppError("TOO_MANY_REQUESTS", message);

async function acquire(key: string, limits = USER_BUDGET): Promise<void> {
  let lane = lanes.get(key);
  if (!lane) {
    lane = { running: 0, waiting: [] };
    lanes.set(key, lane);
  }
  if (lane.running < limits.concurrent) {
    lane.running++;
    return;
  }
  if (lane.waiting.length >= limits.queued)
    throw tooMany("Too many requests at once; wait for your earlier requests to finish");
  // release() hands its slot over directly: running stays the same.
  await new Promise<void>((resolve) => lane.waiting.push(resolve));
}

function release(key: string) {
  const lane = lanes.get(key);
  if (!lane) return;
  const next = lane.waiting.shift();
  if (next) return next();
  lane.running--;
  if (lane.running === 0) lanes.delete(key);
}

/**
 * Counts one call against the caller's rate budget (in Redis, so shared by every replica):
 * refused with TOO_MANY_REQUESTS (429) past it.
 */
export async function spendBudget(
  caller: string,
  callsPerWindow = USER_BUDGET.callsPerWindow,
): Promise<void> {
  const { windowSeconds } = USER_BUDGET;
  // Fairness, not protection: while Redis is away calls go on (the lanes still cap them).
  const rate = await hitRateLimitOrAllow(
    getRedis(),
    redisKey("budget", caller),
    callsPerWindow,
    windowSeconds,
  );
  if (!rate.allowed)
    throw tooMany(
      `Too many requests: at most ${callsPerWindow} calls per ${windowSeconds} s; try again in ${rate.retryAfterSeconds} s`,
    );
}

/**
 * Runs `call` within the caller's budget: refused with TOO_MANY_REQUESTS (429) past the
 * rate budget (spendBudget) or when too many of its calls already wait; otherwise it waits
 * for one of the caller's concurrent slots.
 */
export async function withinBudget<T>(caller: string, call: () => Promise<T>): Promise<T> {
  await spendBudget(caller);
  await acquire(caller);
  try {
    return await call();
  } finally {
    release(caller);
  }
}

/**
 * Runs `call` in a lane of its own key with the budget's concurrency but no rate: for work
 * done before the caller is known, such as looking a session up, keyed by what the
 * request carries (its session cookie), so one cookie cannot fill the database pool with
 * lookups before any budget applies.
 */
export async function inLane<T>(key: string, call: () => Promise<T>): Promise<T> {
  await acquire(key);
  try {
    return await call();
  } finally {
    release(key);
  }
}
