// The enrollment endpoints as plain Request → Response handlers (mounted by
// app/api/fleet/enroll/**/route.ts, and called directly by tests), on the platform's route
// helper. Bad input is a 4xx problem that says what was wrong; failed attempts are rate
// limited per address.
import type { z } from "zod";
import { decode, MessageError, ZEnrollPoll, ZEnrollRequest } from "../../../../protocol";
import { getDb } from "../../../platform/db/client";
import { AppError } from "../../../platform/errors";
import { admissionGate } from "../../../platform/http/admission";
import { clientIp } from "../../../platform/http/client-ip";
import { hitRateLimitOrAllow } from "../../../platform/http/rate-limit";
import { defineRoute, HttpError, requireJson } from "../../../platform/http/route";
import { getRedis, redisAvailable, redisKey } from "../../../platform/redis";
import { enroll, pollEnrollment } from "./enroll";

/** A CSR and host facts are under 4 KiB; enrollment is unauthenticated, so its bodies
 * stay far below the channel's message limit. */
const MAX_ENROLL_BYTES = 256 * 1024;
const FAILURES_PER_WINDOW = 30;
const WINDOW_SECONDS = 300;

function handler<T>(name: string, schema: z.ZodType<T>, run: (body: T) => Promise<unknown>) {
  return defineRoute({
    name,
    maxBodyBytes: MAX_ENROLL_BYTES,
    async handle({ request, raw }) {
      const key = redisKey(`fleet:enroll-fail:${clientIp(request.headers)}`);
      const redis = getRedis();
      // Slows token guessers down (tokens are 192 random bits): while Redis is away the
      // count is skipped rather than holding the enrollment.
      const failures = redisAvailable(redis)
        ? Number((await redis.get(key).catch(() => null)) ?? 0)
        : 0;
      if (failures >= FAILURES_PER_WINDOW)
        throw new AppError(
          "TOO_MANY_REQUESTS",
          "Too many failed enrollment attempts; wait a few minutes",
        );
      try {
        requireJson(request);
        let body: T;
        try {
          body = decode(schema, raw);
        } catch (e) {
          if (e instanceof MessageError)
            throw new HttpError(
              400,
              "BAD_REQUEST",
              e.message,
              e.issues.length ? e.issues : undefined,
            );
          throw e;
        }
        return await run(body);
      } catch (error) {
        // The client's own faults count; "busy, come back" (503, 429) is ours, not theirs:
        // a fleet enrolling at once from behind one address must not lock itself out.
        const busy =
          error instanceof AppError &&
          (error.code === "SERVICE_UNAVAILABLE" || error.code === "TOO_MANY_REQUESTS");
        if (error instanceof HttpError || (error instanceof AppError && !busy))
          await hitRateLimitOrAllow(redis, key, FAILURES_PER_WINDOW, WINDOW_SECONDS);
        throw error;
      }
    },
  });
}

/**
 * Enrollment signs a certificate and computes a config: CPU work, now a fraction of a
 * millisecond each (the CA key stays unsealed, the certificate is written in DER), and the
 * commits of concurrent enrollments on one token are grouped (enroll-commit.ts), so many
 * may run at once: a batch is as large as the enrollments admitted together. The rest wait
 * in a bounded queue; one that cannot start within 8 s, or finds the queue full,
 * hears "busy" and comes back after Retry-After (the agent honours it), rather than all
 * running at once until the agents' 20 s timeouts pass on a loaded machine
 * (test/fleet/faults/enrollment-burst).
 */
const enrollGate = admissionGate({
  limit: 64,
  waitMs: 8_000,
  maxWaiting: 1_024,
  retryAfterSeconds: 2,
  what: "enrollments",
});

export const enrollHandler = handler("fleet.enroll", ZEnrollRequest, (body) =>
  enrollGate.run(() => enroll(getDb(), body)),
);
export const pollHandler = handler("fleet.enroll.poll", ZEnrollPoll, (body) =>
  pollEnrollment(getDb(), body),
);

/**
 * The control plane's clock, for agents: a box whose clock is days behind cannot verify the
 * broker's certificate, so it asks here (unauthenticated: only the time is read, and the
 * agent uses it only to move certificate checks forward — docs/fleet.md, "Clock skew").
 * The Date header of any answer would do to the second; this one gives milliseconds.
 */
export const timeHandler = defineRoute({
  name: "fleet.time",
  maxBodyBytes: 0,
  headers: { "cache-control": "no-store" },
  handle: async () => ({ serverTime: new Date().toISOString() }),
});
