import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import { zText } from "../../protocol/text";
import type { SessionUser } from "../domains/identity/auth/session";
import { fieldErrors } from "../domains/identity/auth/validation";
import { type Permission, scopesOf } from "../permissions";
import type { Db } from "../platform/db/client";
import { setTxOrg, withScope } from "../platform/db/with-tenant";
import { AppError, fromDatabaseError } from "../platform/errors";
import { clientIp } from "../platform/http/client-ip";
import { withinBudget } from "../platform/http/user-budget";
import { log, withLogContext } from "../platform/log/logger";
import { type Principal, principalLabel, userPrincipal } from "../platform/tenancy/principal";
import { resolveMembership } from "../platform/tenancy/resolve-membership";

export interface Context {
  db: Db;
  /** The signed-in user (the portal's only principal kind today), or null. */
  user: SessionUser | null;
  headers: Headers;
}

/** What the isolation matrix reads off every procedure. */
export interface Meta {
  /** "public" | "protected" for procedures outside an org, else the permission needed. */
  access: "public" | "protected" | Permission;
  /**
   * The procedure's transaction may wait on a third party (Stripe) this long, in ms,
   * instead of Prisma's 5 s default.
   */
  transactionTimeoutMs?: number;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const fields =
        cause instanceof ZodError
          ? fieldErrors(cause)
          : cause instanceof AppError
            ? cause.details
            : undefined;
      // Never leak internals of unexpected failures to the client.
      const message = error.code === "INTERNAL_SERVER_ERROR" ? "Internal error" : shape.message;
      return { ...shape, message, data: { ...shape.data, stack: undefined, fields } };
    },
  });

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

/** AppErrors and known database errors become the matching tRPC codes, in one place. */
const mapErrors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    const appError = cause instanceof AppError ? cause : fromDatabaseError(cause);
    if (appError)
      throw new TRPCError({ code: appError.code, message: appError.message, cause: appError });
    if (result.error.code === "INTERNAL_SERVER_ERROR")
      log.error("procedure failed", { path, error: result.error.cause ?? result.error });
  }
  return result;
});

/**
 * Every call runs within its caller's budget (server/platform/http/user-budget.ts): the
 * signed-in user, or for anonymous calls the client's address. One caller's flood waits
 * or is refused with 429 while everybody else's calls go on.
 */
const budget = t.middleware(({ ctx, next }) => {
  const ip = clientIp(ctx.headers);
  const caller = ctx.user ? `user:${ctx.user.id}` : ip !== "unknown" ? `ip:${ip}` : null;
  return caller ? withinBudget(caller, () => next()) : next();
});

/**
 * No default meta: a procedure states its access (`.meta({ access: "public" })`, or through
 * protectedProcedure / permissionProcedure), so the isolation matrix can tell one that never
 * did.
 */
export const publicProcedure = t.procedure.use(mapErrors).use(budget);

export const protectedProcedure = publicProcedure
  .meta({ access: "protected" })
  .use(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
    // The user is the principal: services take it as the actor the audit log records.
    const user = userPrincipal(ctx.user);
    const principal: Principal = user;
    return withLogContext({ principal: principalLabel(principal) }, () =>
      next({ ctx: { user, principal } }),
    );
  });

export const ZOrgSelector = z.object({ orgSlug: zText().min(1).max(64) });

/**
 * Resolves the org and the caller's role from memberships (the client's orgSlug is only a
 * request) and runs the procedure in one transaction scoped to that org by row-level
 * security. Not a member (directly or through an MSP parent): NOT_FOUND.
 */
export const tenantProcedure = protectedProcedure
  .input(ZOrgSelector)
  .use(async ({ ctx, input, next, meta }) =>
    withScope(
      ctx.db,
      { userId: ctx.user.id },
      async (tx) => {
        const tenant = await resolveMembership(tx, ctx.user.id, input.orgSlug);
        await setTxOrg(tx, tenant.orgId);
        // What this principal may do here, from the permission map (never from the kind).
        const scopes = scopesOf(ctx.principal, tenant.role);
        const result = await withLogContext({ orgId: tenant.orgId }, () =>
          next({ ctx: { tx, tenant, scopes } }),
        );
        // Throwing rolls the transaction back; the error is mapped by mapErrors above.
        if (!result.ok) throw result.error;
        return result;
      },
      { timeoutMs: meta?.transactionTimeoutMs },
    ),
  );

export function permissionProcedure(permission: Permission) {
  return tenantProcedure.meta({ access: permission }).use(({ ctx, next }) => {
    if (!ctx.scopes.has(permission)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `Your role cannot do ${permission}` });
    }
    return next();
  });
}
