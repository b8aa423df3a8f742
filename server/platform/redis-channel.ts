// Announcements between processes over Redis pub/sub, validated at both ends: what one
// process publishes, every subscribed process receives (on a Redis Cluster too: PUBLISH
// reaches every node). Fire and forget: a process that is not subscribed at that moment
// misses the message, so every use has a periodic catch-up of its own.
import type { z } from "zod";
import { log } from "./log/logger";
import { createRedis, type RedisClient } from "./redis";

export interface RedisChannel<T> {
  publish(redis: RedisClient, message: T): Promise<void>;
  /**
   * Calls cb for each message, on a connection of its own (a subscribed connection can run
   * no other command). Resolves once subscribed; returns a function that unsubscribes.
   * Malformed messages go to onError, never to cb; so does a promise cb returns that
   * rejects (an async handler never becomes an unhandled rejection).
   */
  subscribe(
    cb: (message: T) => unknown,
    opts?: { redis?: RedisClient; onError?: (error: Error) => void },
  ): Promise<() => Promise<void>>;
}

/** `name()` is read at each use, so a test that changes REDIS_PREFIX gets its own channel. */
export function redisChannel<S extends z.ZodType>(
  name: () => string,
  schema: S,
  what: string,
): RedisChannel<z.infer<S>> {
  return {
    async publish(redis, message) {
      await redis.publish(name(), JSON.stringify(schema.parse(message)));
    },
    async subscribe(cb, opts = {}) {
      const channel = name();
      const redis = opts.redis ?? createRedis();
      redis.on("message", (from: string, raw: string) => {
        if (from !== channel) return;
        let message: z.infer<S>;
        try {
          message = schema.parse(JSON.parse(raw));
        } catch (error) {
          opts.onError?.(new Error(`ignored a malformed ${what}: ${(error as Error).message}`));
          return;
        }
        const done = cb(message);
        if (done instanceof Promise)
          done.catch((error: Error) =>
            (opts.onError ?? ((e: Error) => log.warn(e.message)))(
              new Error(`a ${what} handler failed: ${error.message}`),
            ),
          );
      });
      await redis.subscribe(channel);
      return async () => {
        await redis.unsubscribe(channel).catch(() => undefined);
        await redis.quit().catch(() => undefined);
      };
    },
  };
}
