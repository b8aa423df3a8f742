// The enrollment endpoints as plain Request → Response handlers (mounted by
// app/api/fleet/enroll/**/route.ts, and called directly by tests). Bad input is a 4xx with
// a message that says what was wrong; failed attempts are rate limited per address.
import type { z } from "zod";
import {
  decode,
  MAX_MESSAGE_BYTES,
  MessageError,
  ZEnrollPoll,
  ZEnrollRequest,
} from "../../../../protocol";
import { getDb } from "../../../platform/db/client";
import { AppError, HTTP_STATUS } from "../../../platform/errors";
import { clientIp } from "../../../platform/http/client-ip";
import { hitRateLimit } from "../../../platform/http/rate-limit";
import { getRedis, redisKey } from "../../../platform/redis";
import { enroll, pollEnrollment } from "./enroll";

const FAILURES_PER_WINDOW = 30;
const WINDOW_SECONDS = 300;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });

const problem = (status: number, code: string, message: string) =>
  json(status, { error: { code, message } });

async function readBody<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  if (!request.headers.get("content-type")?.includes("application/json"))
    throw new AppError("BAD_REQUEST", "Send the request as application/json");
  const raw = Buffer.from(await request.arrayBuffer());
  if (raw.length > MAX_MESSAGE_BYTES) throw new AppError("BAD_REQUEST", "Request body too large");
  try {
    return decode(schema, raw);
  } catch (e) {
    if (e instanceof MessageError) throw new AppError("BAD_REQUEST", e.message);
    throw e;
  }
}

function handler<T>(schema: z.ZodType<T>, run: (body: T) => Promise<unknown>) {
  return async (request: Request): Promise<Response> => {
    const key = redisKey(`fleet:enroll-fail:${clientIp(request.headers)}`);
    const redis = getRedis();
    const failures = Number((await redis.get(key)) ?? 0);
    if (failures >= FAILURES_PER_WINDOW)
      return problem(
        429,
        "TOO_MANY_REQUESTS",
        "Too many failed enrollment attempts; wait a few minutes",
      );
    try {
      return json(200, await run(await readBody(request, schema)));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await hitRateLimit(redis, key, FAILURES_PER_WINDOW, WINDOW_SECONDS);
      return problem(HTTP_STATUS[error.code], error.code, error.message);
    }
  };
}

export const enrollHandler = handler(ZEnrollRequest, (body) => enroll(getDb(), body));
export const pollHandler = handler(ZEnrollPoll, (body) => pollEnrollment(getDb(), body));
