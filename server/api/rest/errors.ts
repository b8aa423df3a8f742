// What the REST layer answers for a failed call: oRPC wraps the tRPC error, which wraps
// ours. The innermost known error decides (AppError, a database error, zod's field list);
// the route helper (defineRoute) turns it into problem+json. An unexpected failure is
// handed on as it is, so the route helper logs it and answers a generic 500.
import { ORPCError } from "@orpc/server";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { ZodError } from "zod";
import { AppError, fromDatabaseError, HTTP_STATUS } from "../../platform/errors";
import { HttpError, zodErrors } from "../../platform/http/route";

/**
 * The fields a service named in its AppError's details (`{ name: "already used…" }`, as
 * the portal's forms show them) as the problem's `errors`, like a schema's 400.
 */
function withFields(error: AppError) {
  const fields = Object.entries(error.details ?? {}).filter(
    (e): e is [string, string] => typeof e[1] === "string" && e[0] !== "reason",
  );
  if (fields.length === 0) return error;
  const errors = fields.map(([path, message]) => ({ path, message }));
  return new HttpError(HTTP_STATUS[error.code], error.code, error.message, errors);
}

export function restError(error: unknown): unknown {
  const trpc =
    error instanceof ORPCError && error.cause instanceof TRPCError
      ? error.cause
      : error instanceof TRPCError
        ? error
        : undefined;
  if (trpc) {
    const cause = trpc.cause;
    if (cause instanceof AppError) return withFields(cause);
    const db = fromDatabaseError(cause);
    if (db) return db;
    if (cause instanceof ZodError) {
      const errors = zodErrors(cause);
      const first = errors[0];
      return new HttpError(
        400,
        "BAD_REQUEST",
        first ? `${first.path || "input"}: ${first.message}` : "The request is not valid",
        errors,
      );
    }
    if (trpc.code === "INTERNAL_SERVER_ERROR") return cause ?? trpc;
    const status = error instanceof ORPCError ? error.status : getHTTPStatusCodeFromError(trpc);
    return new HttpError(status, trpc.code, trpc.message);
  }
  // oRPC's own refusals (a body that is not JSON, a path parameter it cannot decode).
  if (error instanceof ORPCError && error.status < 500)
    return new HttpError(error.status, error.code, error.message);
  return error;
}
