// Read-your-writes with a replica: a caller who just changed something, then opens the list
// it changed, must see the change, though the replica may replay it a moment later. After
// each of its writes, a caller's replica-safe reads go to the primary for as long as the
// replica may lag behind (ReadReplica.stickyMs). Kept in Redis, so every portal instance
// knows; while Redis is away the reads go to the primary (never a stale answer).
import { getRedis, redisAvailable, redisKey } from "../redis";

const key = (caller: string) => redisKey("wrote", caller);

/** Records that `caller` (e.g. `user:<id>`, `apiKey:<id>`) wrote just now. */
export async function noteWrite(caller: string, stickyMs: number): Promise<void> {
  const redis = getRedis();
  if (!redisAvailable(redis)) return;
  // Best effort: a lost note costs at most one read that lags behind the caller's write.
  await redis.set(key(caller), "1", "PX", Math.max(1, Math.ceil(stickyMs))).catch(() => {});
}

/** Whether `caller` wrote within the sticky window (or Redis cannot tell: then true). */
export async function wroteRecently(caller: string): Promise<boolean> {
  const redis = getRedis();
  if (!redisAvailable(redis)) return true;
  try {
    return (await redis.exists(key(caller))) === 1;
  } catch {
    return true;
  }
}
