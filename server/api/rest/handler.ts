// /api/v1/*: the public REST API. One route helper (defineRoute: bounded body, request id,
// problem+json), then who calls (an API key, or the portal's session for same-origin
// calls), the key's rate limits, Idempotency-Key on creates, and oRPC's OpenAPI handler
// over the routed tRPC procedures. GET answers carry an ETag; If-None-Match gives 304 and
// If-Match reaches the intent objects' procedures (412 when stale).
import { OpenAPIHandler } from "@orpc/openapi/fetch";
import { experimental_RethrowHandlerPlugin as RethrowHandlerPlugin } from "@orpc/server/plugins";
import { experimental_ZodSmartCoercionPlugin as ZodSmartCoercionPlugin } from "@orpc/zod/zod4";
import { hostOrgOf } from "../../domains/custom-domains";
import { authenticateApiKey, corsOriginsOf } from "../../domains/identity";
import { getSessionUser } from "../../domains/identity/auth/session";
import { getDb } from "../../platform/db/client";
import { getReplica } from "../../platform/db/replica";
import { withScope } from "../../platform/db/with-tenant";
import { env } from "../../platform/env";
import { AppError } from "../../platform/errors";
import { CLIENT_IP_HEADER } from "../../platform/http/client-ip";
import { defineRoute, HttpError, problem, problemOf, requireJson } from "../../platform/http/route";
import { assertSameOrigin } from "../../platform/http/same-origin";
import { etagOf } from "../conditional";
import type { Context } from "../trpc";
import { deprecationHeaders } from "./deprecation";
import { restError } from "./errors";
import { idempotencyKeyOf, idempotent } from "./idempotency";
import { countApiCall } from "./limits";
import { restRouter } from "./router";

export const REST_PREFIX = "/api/v1";
/**
 * The largest request body the API reads: a brand image upload (up to 700 KB of base64 in
 * JSON, server/domains/branding/schemas.ts), or a policy set of a few thousand rules.
 */
export const REST_MAX_BODY = 768 * 1024;

let handler: OpenAPIHandler<Context> | undefined;
function orpc() {
  handler ??= new OpenAPIHandler<Context>(restRouter() as never, {
    plugins: [
      new ZodSmartCoercionPlugin(),
      // Failures come back to us as thrown errors, to be answered as problem+json.
      new RethrowHandlerPlugin({ filter: () => true }),
    ],
  });
  return handler;
}

const unauthorized = (message: string) => new HttpError(401, "UNAUTHORIZED", message);

/** 401 with the challenge RFC 6750 asks for. */
const challenge = (error: HttpError, requestId: string) =>
  problem(
    401,
    "UNAUTHORIZED",
    error.message,
    { requestId },
    {
      "www-authenticate": 'Bearer realm="patronus"',
    },
  );

async function callerOf(request: Request) {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const token = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(authorization)?.[1];
    if (!token) throw unauthorized("Authorization: use Bearer <API key>");
    // The bare address (not clientIp's /64): a key's allowed CIDRs may be narrower.
    const address = request.headers.get(CLIENT_IP_HEADER) ?? "unknown";
    const apiKey = await authenticateApiKey(getDb(), token, address);
    return { apiKey, user: null, label: `apiKey:${apiKey.id}` };
  }
  // The portal's own session: the same rules as its tRPC calls (same origin only).
  assertSameOrigin(request);
  const user = request.headers.get("cookie") ? await getSessionUser(request.headers) : null;
  if (!user) throw unauthorized("Send an API key: Authorization: Bearer <key>");
  return { apiKey: null, user, label: `user:${user.id}` };
}

function withEtag(request: Request, response: Response, body: string) {
  const etag = etagOf(body);
  const seen = request.headers.get("if-none-match");
  if (seen?.split(",").some((t) => t.trim().replace(/^W\//, "") === etag))
    return new Response(null, { status: 304, headers: { etag, "cache-control": "no-cache" } });
  const copy = new Response(body, response);
  copy.headers.set("etag", etag);
  copy.headers.set("cache-control", "no-cache");
  return copy;
}

/** What a browser script may send and read across origins (CORS). */
const CORS_REQUEST_HEADERS =
  "authorization, content-type, idempotency-key, if-match, if-none-match, x-request-id";
const CORS_EXPOSED_HEADERS =
  "etag, x-request-id, retry-after, ratelimit, ratelimit-policy, idempotent-replayed";

/**
 * CORS for a browser script on another origin: allowed only when the org named in the path
 * lists that origin (apiAccess.update), and only with a key (cookies never cross: no
 * Allow-Credentials, and cookie callers from elsewhere are refused in callerOf). Returns the
 * headers to add, {} for same-origin and non-browser callers, or null when refused.
 */
async function corsOf(request: Request): Promise<Record<string, string> | null> {
  const origin = request.headers.get("origin");
  if (!origin || origin === new URL(env.APP_URL).origin) return {};
  const slug = /^\/api\/v1\/orgs\/([^/]{1,64})(\/|$)/.exec(new URL(request.url).pathname)?.[1];
  const allowed = slug
    ? await withScope(getDb(), {}, (tx) => corsOriginsOf(tx, decodeURIComponent(slug)))
    : [];
  if (!allowed.includes(origin)) return null;
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE",
    "access-control-allow-headers": CORS_REQUEST_HEADERS,
    "access-control-expose-headers": CORS_EXPOSED_HEADERS,
    "access-control-max-age": "600",
    vary: "Origin",
  };
}

/** /api/v1/*: the REST API (every method, OPTIONS for CORS preflights). */
export const restHandler = defineRoute({
  name: "rest",
  maxBodyBytes: REST_MAX_BODY,
  async handle({ request, raw, requestId }) {
    const cors = await corsOf(request);
    if (request.method === "OPTIONS")
      return new Response(null, { status: cors ? 204 : 403, headers: { ...cors, vary: "Origin" } });
    if (!cors)
      throw new HttpError(
        403,
        "FORBIDDEN",
        "This organization does not allow API calls from that origin",
      );
    // Problems too carry the CORS headers, or a browser script could not read them.
    const answer = await answerOf(request, raw, requestId).catch((error: unknown) =>
      problemOf("rest", error, requestId),
    );
    for (const [name, value] of Object.entries(cors)) answer.headers.set(name, value);
    return answer;
  },
});

/**
 * Who calls and the procedures' context, for every /api/v1 route: an API key (counted
 * against its rate limits: their headers go on the answer) or the portal's session; a
 * Response when the call ends here (401 with its challenge, 429).
 */
export async function restCallOf(
  request: Request,
  requestId: string,
): Promise<
  Response | { caller: { label: string }; context: Context; limitHeaders: Record<string, string> }
> {
  const caller = await callerOf(request).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "UNAUTHORIZED")
      return unauthorized(error.message);
    if (error instanceof HttpError && error.status === 401) return error;
    throw error;
  });
  if (caller instanceof HttpError) return challenge(caller, requestId);
  let limitHeaders: Record<string, string> = {};
  if (caller.apiKey) {
    const counted = await countApiCall(caller.apiKey, requestId);
    if ("refused" in counted) return counted.refused;
    limitHeaders = counted.headers;
  }
  const context: Context = {
    db: getDb(),
    replica: getReplica(),
    user: caller.user,
    apiKey: caller.apiKey,
    headers: request.headers,
    // On a custom domain, the API too sees only that org's tree (docs/custom-domains.md).
    host: await hostOrgOf(request.headers),
    ifMatch: request.headers.get("if-match"),
  };
  return { caller, context, limitHeaders };
}

/** The answer to a call once CORS let it in. */
async function answerOf(request: Request, raw: Buffer, requestId: string): Promise<Response> {
  if (raw.length > 0) requireJson(request);
  const called = await restCallOf(request, requestId);
  if (called instanceof Response) return called;
  const { caller, context, limitHeaders } = called;
  const call = async () => {
    const { matched, response } = await orpc()
      .handle(request, { prefix: REST_PREFIX, context })
      .catch((error: unknown) => {
        throw restError(error);
      });
    if (!matched || !response)
      throw new HttpError(
        404,
        "NOT_FOUND",
        `No API route ${request.method} ${new URL(request.url).pathname}`,
      );
    return response;
  };
  const key = request.method === "POST" ? idempotencyKeyOf(request) : null;
  let response = key ? await idempotent(caller.label, key, request, raw, call) : await call();
  if (request.method === "GET" && response.status === 200)
    response = withEtag(request, response, await response.text());
  const pathname = new URL(request.url).pathname;
  const extra = { ...limitHeaders, ...deprecationHeaders(request.method, pathname) };
  for (const [name, value] of Object.entries(extra)) response.headers.set(name, value);
  return response;
}
