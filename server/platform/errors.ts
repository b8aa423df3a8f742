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
  | "TOO_MANY_REQUESTS";

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  PAYMENT_REQUIRED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
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

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);

/** Maps PostgreSQL/Prisma failures caused by input (not bugs) to AppErrors. */
export function fromDatabaseError(error: unknown): AppError | undefined {
  const e = error as { code?: string; meta?: { target?: unknown; modelName?: string } };
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
