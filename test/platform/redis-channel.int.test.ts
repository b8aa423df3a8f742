// Announcements over Redis pub/sub (server/platform/redis-channel.ts): a malformed message
// and a handler that fails both reach onError, and the next message is still delivered.
// An async handler that rejected used to be an unhandled rejection: the fleet test stack's
// trust handler kicks revoked devices off Mosquitto, which fails while the broker is down
// (test/fleet/faults/broker-down.int.test.ts), and the test run failed on it.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { closeRedis, getRedis, redisKey } from "../../server/platform/redis";
import { redisChannel } from "../../server/platform/redis-channel";
import { until } from "../../testkit/wait";

afterAll(() => closeRedis());

describe("a Redis channel", () => {
  it("hands a handler's failure and a malformed message to onError, and goes on", async () => {
    const name = redisKey("test", "channel", randomBytes(4).toString("hex"));
    const channel = redisChannel(() => name, z.object({ n: z.number().int() }), "test message");
    const seen: number[] = [];
    const errors: string[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const unsubscribe = await channel.subscribe(
      async ({ n }) => {
        seen.push(n);
        if (n === 1) throw new Error("the broker is down");
      },
      { onError: (e) => errors.push(e.message) },
    );
    try {
      await channel.publish(getRedis(), { n: 1 });
      await getRedis().publish(name, "{not json");
      await channel.publish(getRedis(), { n: 2 });
      await until("both messages and both errors", () => seen.length === 2 && errors.length === 2);
      expect(seen).toEqual([1, 2]);
      expect(errors[0]).toBe("a test message handler failed: the broker is down");
      expect(errors[1]).toMatch(/^ignored a malformed test message/);
      // A rejection would have been reported by now: the handler's promise settled first.
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      await unsubscribe();
    }
  });
});
