// If-Match for intent objects: a REST client that read an object (its ETag) and sends a
// change with If-Match gets 412 when the object changed in between, instead of silently
// overwriting someone else's change (a lost update). The check runs in the change's own
// transaction after a lock on the object, so two changes made from the same read cannot
// both pass: the second sees the first's result and is refused.
import { createHash } from "node:crypto";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import type { Tx } from "../platform/db/client";

/** A strong ETag of an answer's bytes (GET answers carry it; If-Match compares to it). */
export function etagOf(body: string | Uint8Array) {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
}

/** Whether an If-Match header value names `etag` (or is `*`). */
function matches(header: string, etag: string) {
  return header
    .split(",")
    .map((t) => t.trim())
    .some((t) => t === "*" || t === etag);
}

interface Guarded<I, R> {
  ctx: { tx: Tx; ifMatch?: string | null; tenant: { orgId: string } };
  input: I;
  next: () => Promise<R>;
}

/**
 * Middleware of a change to an intent object: `view` is the schema its GET answers with and
 * `load` reads it as that GET does, so the ETag compared is the one the client was given.
 * Without If-Match (the portal, scripts that do not care) the change goes ahead.
 */
export function ifMatch<I>(
  view: z.ZodType,
  load: (tx: Tx, orgId: string, input: I) => Promise<unknown>,
  identity: (input: I) => string,
) {
  return async <R>({ ctx, input, next }: Guarded<I, R>): Promise<R> => {
    const wanted = ctx.ifMatch;
    if (!wanted) return next();
    const key = `if-match:${ctx.tenant.orgId}:${identity(input)}`;
    await ctx.tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
    const current = etagOf(JSON.stringify(view.parse(await load(ctx.tx, ctx.tenant.orgId, input))));
    if (!matches(wanted, current))
      throw new TRPCError({
        code: "PRECONDITION_FAILED",
        message: "The object changed since it was read (If-Match): read it again, then retry",
      });
    return next();
  };
}
