// Idempotency-Key on creates (POST): the first answer is kept for 24 h under the caller and
// the key; a retry with the same key and the same request gets that answer again (with
// Idempotent-Replayed: true), the same key with another request is 409, and one still
// running is 409 too. Failed calls (errors, 5xx) are not kept: nothing was created, so the
// client may retry them with the same key.
import { createHash } from "node:crypto";
import { AppError } from "../../platform/errors";
import { HttpError } from "../../platform/http/route";
import { getRedis, redisAvailable, redisKey } from "../../platform/redis";

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
const PENDING_TTL_SECONDS = 60;

interface Kept {
  state: "pending" | "done";
  hash: string;
  status?: number;
  body?: string;
  contentType?: string;
}

export function idempotencyKeyOf(request: Request) {
  const key = request.headers.get("idempotency-key");
  if (key === null) return null;
  if (!/^[\x21-\x7e]{1,255}$/.test(key))
    throw new HttpError(
      400,
      "BAD_REQUEST",
      "Idempotency-Key: 1 to 255 visible ASCII characters (a UUID is a good choice)",
    );
  return key;
}

/**
 * Runs `call` at most once per (caller, key) in 24 h. `caller` names the principal
 * ("apiKey:…", "user:…"), so two callers' keys never meet.
 */
export async function idempotent(
  caller: string,
  key: string,
  request: Request,
  raw: Buffer,
  call: () => Promise<Response>,
): Promise<Response> {
  const redis = getRedis();
  if (!redisAvailable(redis))
    throw new AppError("SERVICE_UNAVAILABLE", "Idempotency keys are unavailable; retry shortly", {
      retryAfterSeconds: 2,
    });
  const at = redisKey("idem", caller, createHash("sha256").update(key).digest("base64url"));
  const hash = createHash("sha256")
    .update(`${request.method} ${new URL(request.url).pathname}\n`)
    .update(raw)
    .digest("base64url");
  const pending: Kept = { state: "pending", hash };
  const claimed = await redis.set(at, JSON.stringify(pending), "EX", PENDING_TTL_SECONDS, "NX");
  if (!claimed) {
    const kept = JSON.parse((await redis.get(at)) ?? "null") as Kept | null;
    if (kept && kept.hash !== hash)
      throw new AppError("CONFLICT", "This Idempotency-Key was used for a different request");
    if (!kept || kept.state === "pending")
      throw new AppError("CONFLICT", "A request with this Idempotency-Key is still running");
    return new Response(kept.body ?? null, {
      status: kept.status,
      headers: {
        ...(kept.contentType ? { "content-type": kept.contentType } : {}),
        "cache-control": "no-store",
        "idempotent-replayed": "true",
      },
    });
  }
  let response: Response;
  try {
    response = await call();
  } catch (error) {
    // Nothing was created (the transaction rolled back): the key is free for a retry.
    await redis.del(at).catch(() => {});
    throw error;
  }
  if (response.status >= 500) {
    await redis.del(at).catch(() => {});
    return response;
  }
  const body = await response.text();
  const done: Kept = {
    state: "done",
    hash,
    status: response.status,
    body,
    contentType: response.headers.get("content-type") ?? undefined,
  };
  await redis.set(at, JSON.stringify(done), "EX", IDEMPOTENCY_TTL_SECONDS);
  return new Response(response.status === 204 ? null : body, response);
}
