/**
 * The one error type of the domain core. Services throw it; server/api/trpc.ts and the
 * REST layer map it to tRPC codes / HTTP statuses in one place.
 */
export type AppErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "PAYMENT_REQUIRED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "TOO_MANY_REQUESTS"
  | "SERVICE_UNAVAILABLE";

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  PAYMENT_REQUIRED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
};

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/**
 * Failures of capacity, not of the request: the pool had no connection in time (P2024), a
 * transaction ran out of time (P2028), a lock wait passed lock_timeout (55P03), a statement
 * was cancelled by statement_timeout (57014), or PostgreSQL gave up on a serialization
 * conflict or deadlock (40001, 40P01). The same request can succeed a moment later.
 */
const RETRYABLE_PRISMA = new Set(["P2024", "P2028", "P2034"]);
const RETRYABLE_SQLSTATE = new Set(["55P03", "57014", "40001", "40P01"]);

/** What a busy answer tells the client to wait before trying again. */
export const BUSY_RETRY_AFTER_SECONDS = 2;

export const busy = (message = "The service is busy; try again in a moment") =>
  new AppError("SERVICE_UNAVAILABLE", message, { retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS });

/** Every error code on `error` and its causes (Prisma's own, the adapter's, PostgreSQL's). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let e = error as Record<string, unknown> | undefined;
  for (let depth = 0; e && typeof e === "object" && depth < 4; depth++) {
    const meta = e.meta as { code?: unknown; driverAdapterError?: unknown } | undefined;
    for (const c of [e.code, meta?.code, e.originalCode]) if (typeof c === "string") codes.push(c);
    // Prisma with the pg adapter: meta.driverAdapterError.cause carries PostgreSQL's code.
    e = (meta?.driverAdapterError ?? e.cause) as Record<string, unknown> | undefined;
  }
  return codes;
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);

/** Maps PostgreSQL/Prisma failures caused by input (not bugs) to AppErrors. */
export function fromDatabaseError(error: unknown): AppError | undefined {
  const e = error as { code?: string; meta?: { target?: unknown; modelName?: string } };
  if (errorCodes(error).some((c) => RETRYABLE_PRISMA.has(c) || RETRYABLE_SQLSTATE.has(c)))
    return busy();
  if (e?.code === "P2002") {
    const target = e.meta?.target;
    const fields = Array.isArray(target) ? target.join(", ") : String(target ?? "value");
    return new AppError("CONFLICT", `A record with this ${fields} already exists`, { fields });
  }
  if (e?.code === "P2025") return new AppError("NOT_FOUND", "Record not found");
  if (e?.code === "P2000") return new AppError("BAD_REQUEST", "A value is too long for its field");
  // Text PostgreSQL cannot store (a NUL byte) that got past the boundary's checks.
  if (
    ["22021", "22P05"].includes(
      String(e?.code ?? (e as { cause?: { code?: string } })?.cause?.code),
    )
  )
    return new AppError("BAD_REQUEST", "A value is not valid text");
  if (e?.code === "P2020")
    return new AppError("BAD_REQUEST", "A value is out of range for its field");
  return undefined;
}
