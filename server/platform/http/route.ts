// The one way a route handler is written (app/**/route.ts mounts what this returns):
// a request id in every log line and in the answer, a body read with a bound while it
// streams, zod in and out, and every failure as one application/problem+json envelope.
// tRPC and better-auth are mounted through it too (`body: "raw"`): they get the bounded
// body and the request id; their own errors keep their own shapes.
import { randomUUID } from "node:crypto";
import { ZodError, type z } from "zod";
import { AppError, type AppErrorCode, fromDatabaseError, HTTP_STATUS } from "../errors";
import { log, withLogContext } from "../log/logger";
import { observeRoute } from "../metrics/http";
import { secondsSince } from "../metrics/registry";
import { inSpan, SpanKind, SpanStatusCode } from "../tracing/spans";

/** What a route's handler gets. */
export interface RouteRequest<I> {
  /** The request, its body replaced by the bytes read (at most the route's limit). */
  request: Request;
  /** The body decoded by `input` (JSON routes); undefined for raw and bodiless routes. */
  body: I;
  /** The body's bytes as read. */
  raw: Buffer;
  requestId: string;
}

export interface RouteSpec<I, O> {
  /** Names the route in log lines ("fleet.enroll"). */
  name: string;
  /** The most body bytes read; a longer body is refused with 413 while it streams. */
  maxBodyBytes: number;
  /** JSON body checked by this schema (a 400 that names the field otherwise). */
  input?: z.ZodType<I>;
  /** The answer checked by this schema before it is sent (a mismatch is our bug: 500). */
  output?: z.ZodType<O>;
  /** Extra headers on every answer of this route (problems included). */
  headers?: Record<string, string>;
  /** Returns the answer as data (sent as JSON, 200) or a whole Response. */
  handle(req: RouteRequest<I>): Promise<O | Response>;
}

/** An error the HTTP layer raises itself, beside the domain's AppErrors. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = "HttpError";
  }
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * RFC 9457 problem details. `code` is the stable machine-readable reason; `error` repeats
 * code and message in the shape the first agents read (they are in the field).
 */
export function problem(
  status: number,
  code: AppErrorCode | string,
  detail: string,
  extra: { requestId?: string; errors?: { path: string; message: string }[] } = {},
  headers: Record<string, string> = {},
): Response {
  const body = {
    type: "about:blank",
    title: TITLES[status] ?? "Error",
    status,
    detail,
    code,
    ...(extra.requestId ? { requestId: extra.requestId } : {}),
    ...(extra.errors ? { errors: extra.errors } : {}),
    error: { code, message: detail },
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/problem+json",
      "cache-control": "no-store",
      ...headers,
    },
  });
}

/** A JSON answer that is never cached. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

const tooLarge = (max: number) =>
  new HttpError(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${max} bytes`);

/**
 * Reads at most `max` bytes of the body: a declared length over it is refused before
 * reading, and a chunked body is cut off at the first chunk that passes it.
 */
export async function readBounded(request: Request, max: number): Promise<Buffer> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > max) throw tooLarge(max);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/** The field paths and messages of a zod error, for `errors` in a problem. */
export function zodErrors(error: ZodError) {
  return error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

/** Refuses a body that is not declared as JSON (415). */
export function requireJson(request: Request) {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type))
    throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the request as application/json");
}

function decodeJson<I>(request: Request, raw: Buffer, schema: z.ZodType<I>): I {
  requireJson(request);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpError(400, "BAD_REQUEST", "The request body is not valid JSON");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const errors = zodErrors(parsed.error);
    const first = errors[0];
    throw new HttpError(
      400,
      "BAD_REQUEST",
      first ? `${first.path || "body"}: ${first.message}` : "The request body is not valid",
      errors,
    );
  }
  return parsed.data;
}

/** The caller's `x-request-id` when it is a plain token, else a new one. */
export function requestIdOf(request: Request) {
  const given = request.headers.get("x-request-id");
  return given && /^[\w.-]{8,64}$/.test(given) ? given : randomUUID();
}

function withHeaders(res: Response, headers: Record<string, string>) {
  try {
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    return res;
  } catch {
    // immutable headers (a redirect, a fetched body): copy it into a response we own
    const copy = new Response(res.body, res);
    for (const [k, v] of Object.entries(headers)) copy.headers.set(k, v);
    return copy;
  }
}

/** Maps whatever a handler threw to a problem; unexpected errors are logged, never shown. */
export function problemOf(name: string, error: unknown, requestId: string) {
  return toProblem(name, error, requestId, {});
}

function toProblem(
  name: string,
  error: unknown,
  requestId: string,
  headers: Record<string, string>,
) {
  if (error instanceof HttpError)
    return problem(
      error.status,
      error.code,
      error.message,
      { requestId, errors: error.errors },
      headers,
    );
  const appError = error instanceof AppError ? error : fromDatabaseError(error);
  if (appError) {
    // A busy or rate-limited answer says when to come back (agents honour it).
    const retryAfter = appError.details?.retryAfterSeconds;
    return problem(
      HTTP_STATUS[appError.code],
      appError.code,
      appError.message,
      { requestId },
      typeof retryAfter === "number" ? { ...headers, "retry-after": String(retryAfter) } : headers,
    );
  }
  if (error instanceof ZodError)
    log.error("route answered outside its output schema", {
      route: name,
      issues: zodErrors(error),
    });
  else log.error("route failed", { route: name, error });
  return problem(
    500,
    "INTERNAL",
    "Internal error; quote the request id when asking for help",
    { requestId },
    headers,
  );
}

/** A route handler (Request → Response) built from `spec`. */
export function defineRoute<I = undefined, O = unknown>(spec: RouteSpec<I, O>) {
  const headers = spec.headers ?? {};
  return async (request: Request): Promise<Response> => {
    const start = process.hrtime.bigint();
    const requestId = requestIdOf(request);
    const answered = await withLogContext({ requestId }, () =>
      traced(spec.name, request.method, requestId, () => answer(request, requestId)),
    );
    // Until the answer's head: a streamed body's time is the client's as much as ours.
    observeRoute(spec.name, request.method, answered.status, secondsSince(start));
    return withHeaders(answered, { "x-request-id": requestId });
  };

  async function answer(request: Request, requestId: string): Promise<Response> {
    try {
      const raw = await readBounded(request, spec.maxBodyBytes);
      const body = (spec.input ? decodeJson(request, raw, spec.input) : undefined) as I;
      const hasBody = request.method !== "GET" && request.method !== "HEAD";
      const bounded = new Request(request.url, {
        method: request.method,
        headers: request.headers,
        body: hasBody ? new Uint8Array(raw) : undefined,
        signal: request.signal,
      });
      const result = await spec.handle({ request: bounded, body, raw, requestId });
      if (result instanceof Response) return withHeaders(result, headers);
      return json(200, spec.output ? spec.output.parse(result) : result, headers);
    } catch (error) {
      return toProblem(spec.name, error, requestId, headers);
    }
  }
}

/** The route's server span (tracing on): named by method and route, with its status. */
function traced(
  route: string,
  method: string,
  requestId: string,
  fn: () => Promise<Response>,
): Promise<Response> {
  return inSpan(
    `${method} ${route}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        "http.request.method": method,
        "http.route": route,
        "patronus.request_id": requestId,
      },
    },
    async (span) => {
      const res = await fn();
      span?.setAttribute("http.response.status_code", res.status);
      if (res.status >= 500) span?.setStatus({ code: SpanStatusCode.ERROR });
      return res;
    },
  );
}
