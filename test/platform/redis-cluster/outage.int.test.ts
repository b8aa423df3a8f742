// A Redis Cluster gone away: requests still answer at once, as on a single Redis
// (test/fleet/faults/redis-down.int.test.ts): the rate limits let calls through uncounted,
// an enqueue fails at once instead of waiting for the cluster to come back. The cluster
// client notices the outage at its next command (it holds no connection to an idle node).
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { hitRateLimitOrAllow } from "../../../server/platform/http/rate-limit";
import { defineJob } from "../../../server/platform/jobs/define-job";
import { enqueue } from "../../../server/platform/jobs/queues";
import { getRedis, redisKey } from "../../../server/platform/redis";
import { uid } from "../../../testkit/factories/identity";
import { useRedisCluster } from "../../../testkit/stack/use-redis-cluster";
import { until } from "../../../testkit/wait";

const redis = useRedisCluster();

const job = defineJob({
  queue: `outage-${uid()}`,
  name: "noop",
  version: 1,
  payload: z.object({ orgId: z.string() }),
  attempts: 1,
  backoffMs: 0,
});

/** What `work` settled to, or "no answer" when it had not settled after `ms`. */
async function answerWithin<T>(ms: number, work: Promise<T>) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"no answer">((r) => {
    timer = setTimeout(() => r("no answer"), ms);
  });
  try {
    return await Promise.race([
      work.then(
        (value) => ({ value }),
        (error: Error) => ({ error: error.message }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe("Redis Cluster down", () => {
  it("lets requests through uncounted and fails an enqueue, both at once", async () => {
    const key = redisKey("outage", uid());
    expect((await hitRateLimitOrAllow(getRedis(), key, 5, 60)).count).toBe(1);
    await enqueue(job, { orgId: uid() });

    await redis.cluster.kill();
    const open = { value: { allowed: true, count: 0, retryAfterSeconds: 0 } };
    // The first command finds the connection closed; later ones skip Redis while the
    // client reconnects (redisAvailable).
    expect(await answerWithin(5_000, hitRateLimitOrAllow(getRedis(), key, 5, 60))).toEqual(open);
    await until("the client to see the outage", () => getRedis().status !== "ready");
    expect(await answerWithin(5_000, hitRateLimitOrAllow(getRedis(), key, 5, 60))).toEqual(open);
    expect(await answerWithin(5_000, enqueue(job, { orgId: uid() }))).toMatchObject({
      error: expect.any(String),
    });
  });
});
