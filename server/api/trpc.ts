import type { ORPCMeta } from "@orpc/trpc";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import { zText } from "../../protocol/text";
import type { HostOrg } from "../domains/custom-domains";
import type { SessionUser } from "../domains/identity/auth/session";
import { fieldErrors } from "../domains/identity/auth/validation";
import { type Permission, permissionsOf, scopesOf } from "../permissions";
import type { Db, Tx } from "../platform/db/client";
import type { ReadReplica } from "../platform/db/replica";
import { readOnly, setTxOrg, withScope } from "../platform/db/with-tenant";
import { AppError, fromDatabaseError, notFound } from "../platform/errors";
import { clientIp } from "../platform/http/client-ip";
import { inLane, spendBudget, withinBudget } from "../platform/http/user-budget";
import { log, withLogContext } from "../platform/log/logger";
import { observeProcedure } from "../platform/metrics/http";
import { secondsSince } from "../platform/metrics/registry";
import { type Principal, principalLabel, userPrincipal } from "../platform/tenancy/principal";
import { orgWithin, resolveMembership } from "../platform/tenancy/resolve-membership";
import { inSpan, type Span, SpanStatusCode } from "../platform/tracing/spans";
import { failedOver, noteWriteOf, replicaFor } from "./replica-reads";
import { type Deprecation, deprecate } from "./rest/deprecation";

/** An API key that authenticated the request (identity's authenticateApiKey). */
export interface ApiKeyCaller {
  id: string;
  /** The org the key belongs to: it acts there, and in that org's customer orgs (MSP). */
  orgId: string;
  name: string;
  scopes: readonly string[];
  /** The user who created it: the key never does more than they may, where it acts. */
  createdById: string;
}

export interface Context {
  db: Db;
  /**
   * The streaming replica replica-safe procedures may read (DATABASE_REPLICA_URL), or
   * null/absent: everything reads `db`.
   */
  replica?: ReadReplica | null;
  /** The signed-in user, or null. */
  user: SessionUser | null;
  /** The API key of a REST call (Authorization: Bearer), or null. Never both. */
  apiKey?: ApiKeyCaller | null;
  headers: Headers;
  /**
   * The verified custom domain the request came in on (docs/custom-domains.md), or null
   * for the main app: on one, only its org's tree exists (tenantProcedure).
   */
  host?: HostOrg | null;
  /** A REST call's If-Match header (intent objects refuse a stale one: 412). */
  ifMatch?: string | null;
  /**
   * Set by the caller of server components (app/_trpc/server.ts): the page request was
   * counted against the user's budget once, so its calls take only the user's lanes.
   */
  pageRender?: boolean;
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
  /**
   * The procedure's place in the public REST API (/api/v1), e.g.
   * `{ method: "GET", path: "/orgs/{orgSlug}/sites/{siteId}" }`. A procedure without a route
   * is the portal's only (server/api/rest/router.ts serves routed ones alone).
   */
  route?: ORPCMeta["route"];
  /**
   * Replica-safe (replicaProcedure): a read-only view that tolerates data a moment old, so
   * a streaming replica may answer it. Its transaction is READ ONLY wherever it runs.
   */
  replica?: boolean;
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
const mapErrors = t.middleware(({ next, path, type }) =>
  // The procedure's span: its path is one tRPC resolved in the router (a bounded name).
  inSpan(
    `trpc ${path}`,
    { attributes: { "rpc.system": "trpc", "rpc.method": path } },
    async (span) => {
      const start = process.hrtime.bigint();
      const result = await measured(path, type, start, await next(), span);
      if (!result.ok) {
        const cause = result.error.cause;
        const appError = cause instanceof AppError ? cause : fromDatabaseError(cause);
        if (appError)
          throw new TRPCError({ code: appError.code, message: appError.message, cause: appError });
        if (result.error.code === "INTERNAL_SERVER_ERROR")
          log.error("procedure failed", { path, error: result.error.cause ?? result.error });
      }
      return result;
    },
  ),
);

/**
 * Records the call's duration and result code: `path` is the procedure tRPC resolved in the
 * router, so the label is bounded. The code is the one the caller gets (an AppError's).
 */
function measured<R extends { ok: boolean; error?: { code: string; cause?: unknown } }>(
  path: string,
  type: string,
  start: bigint,
  result: R,
  span?: Span,
): R {
  const cause = result.ok ? undefined : result.error?.cause;
  const code = result.ok
    ? "OK"
    : ((cause instanceof AppError ? cause : fromDatabaseError(cause))?.code ??
      result.error?.code ??
      "INTERNAL_SERVER_ERROR");
  observeProcedure(path, type, code, secondsSince(start));
  span?.setAttribute("rpc.trpc.code", code);
  if (!result.ok) span?.setStatus({ code: SpanStatusCode.ERROR, message: code });
  return result;
}

/** Whose budget a call spends: the signed-in user, else the client's address (or nobody). */
function budgetCaller(ctx: Context): string | null {
  const ip = clientIp(ctx.headers);
  return ctx.user ? `user:${ctx.user.id}` : ip !== "unknown" ? `ip:${ip}` : null;
}

/**
 * Counts a server-rendered page request once against its caller's rate budget (the calls
 * its server components make then run with `pageRender`): a page costs one call however
 * many procedures it reads, as a client's own calls each cost one. Past the budget it
 * throws TOO_MANY_REQUESTS, like a call would.
 */
export async function chargePageRender(ctx: Context): Promise<void> {
  const caller = budgetCaller(ctx);
  if (caller) await spendBudget(caller);
}

/**
 * Every call runs within its caller's budget (server/platform/http/user-budget.ts): the
 * signed-in user, or for anonymous calls the client's address. One caller's flood waits
 * or is refused with 429 while everybody else's calls go on.
 */
const budget = t.middleware(({ ctx, next }) => {
  // An API key's rate is its plan's (counted by the REST layer, server/api/rest/limits.ts):
  // here it only gets its lane, so one key's calls cannot take every connection.
  if (ctx.apiKey) return inLane(`apiKey:${ctx.apiKey.id}`, () => next());
  const caller = budgetCaller(ctx);
  if (!caller) return next();
  // A page's render is one request of the user's: it was counted once (chargePageRender);
  // its calls share the user's lanes, so the page's share of the pool stays capped.
  return ctx.pageRender ? inLane(caller, () => next()) : withinBudget(caller, () => next());
});

/**
 * No default meta: a procedure states its access (`.meta({ access: "public" })`, or through
 * protectedProcedure / permissionProcedure), so the isolation matrix can tell one that never
 * did.
 */
export const publicProcedure = t.procedure.use(mapErrors).use(budget);

/** Procedures of a person (their orgs, their profile, accepting invitations): no API key. */
export const protectedProcedure = publicProcedure
  .meta({ access: "protected" })
  .use(({ ctx, next }) => {
    if (!ctx.user)
      throw new TRPCError({
        code: "UNAUTHORIZED",
        message: ctx.apiKey
          ? "This needs a signed-in user: API keys act inside an org"
          : "Sign in first",
      });
    // The user is the principal: services take it as the actor the audit log records.
    const user = userPrincipal(ctx.user);
    const principal: Principal = user;
    return withLogContext({ principal: principalLabel(principal) }, () =>
      next({ ctx: { user, principal } }),
    );
  });

export const ZOrgSelector = z.object({ orgSlug: zText().min(1).max(64) });

/**
 * For what only a person may do in an org (be billed, own it, invite): an API key is
 * refused with FORBIDDEN, a user is returned as the actor.
 */
export function personOf(principal: Principal) {
  if (principal.kind !== "user")
    throw new TRPCError({ code: "FORBIDDEN", message: "Only a signed-in user can do this" });
  return principal;
}

/**
 * Who acts in an org and with what role: the signed-in user's membership, or for an API
 * key the membership of the user who created it, in the key's own org or one of its
 * customer orgs (an MSP's key). Another org is NOT_FOUND, like one that does not exist.
 */
async function orgCaller(tx: Tx, ctx: Context, orgSlug: string) {
  if (ctx.user) {
    const principal: Principal = userPrincipal(ctx.user);
    const tenant = await resolveMembership(tx, ctx.user.id, orgSlug);
    return { principal, tenant, scopes: scopesOf(principal, tenant.role) };
  }
  const key = ctx.apiKey;
  if (!key) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  const tenant = await resolveMembership(tx, key.createdById, orgSlug);
  if (!(await orgWithin(tx, tenant.orgId, key.orgId))) throw notFound("Organization");
  const principal: Principal = { kind: "apiKey", id: key.id, orgId: key.orgId, scopes: key.scopes };
  // The key's scopes, and never more than its creator may do here today.
  const creatorMay = new Set(permissionsOf(tenant.role));
  const scopes = new Set([...scopesOf(principal)].filter((s) => creatorMay.has(s)));
  return { principal, tenant, scopes: scopes as ReadonlySet<Permission> };
}

/** The caller of a tenant procedure, and a custom domain limited to its own org tree. */
async function tenantCaller(tx: Tx, ctx: Context, orgSlug: string) {
  const caller = await orgCaller(tx, ctx, orgSlug);
  // On a custom domain only its org and that org's customers exist, whatever else
  // the caller is a member of: the same NOT_FOUND as an org that does not exist.
  if (ctx.host && !(await orgWithin(tx, caller.tenant.orgId, ctx.host.orgId)))
    throw notFound("Organization");
  return caller;
}

/**
 * Resolves the org and the caller's role from memberships (the client's orgSlug is only a
 * request) and runs the procedure in one transaction scoped to that org by row-level
 * security. Not a member (directly or through an MSP parent): NOT_FOUND.
 *
 * A replica-safe procedure (meta.replica) reads in a READ ONLY transaction; when a replica
 * may answer (replica-reads.ts) the caller is still resolved on the primary, so a revoked
 * membership counts at once, and the procedure then runs on the replica in the same
 * row-level-security scope. A replica that fails the read hands it to the primary.
 */
export const tenantProcedure = publicProcedure
  .input(ZOrgSelector)
  .use(async ({ ctx, input, next, meta, type }) => {
    const userId = ctx.user?.id ?? ctx.apiKey?.createdById;
    const limits = { timeoutMs: meta?.transactionTimeoutMs };
    const run = async (tx: Tx, caller: Awaited<ReturnType<typeof tenantCaller>>) => {
      const { principal, tenant, scopes } = caller;
      const result = await withLogContext(
        { orgId: tenant.orgId, principal: principalLabel(principal) },
        () => next({ ctx: { tx, tenant, scopes, principal } }),
      );
      // Throwing rolls the transaction back; the error is mapped by mapErrors above.
      if (!result.ok) throw result.error;
      return result;
    };

    const replica = meta?.replica ? await replicaFor(ctx) : null;
    if (replica) {
      const caller = await withScope(ctx.db, { userId }, (tx) =>
        tenantCaller(tx, ctx, input.orgSlug),
      );
      const scope = { userId, orgId: caller.tenant.orgId };
      const readOnlyIn = (db: Db) =>
        withScope(db, scope, (tx) => run(tx, caller), { ...limits, readOnly: true });
      try {
        return await readOnlyIn(replica.db);
      } catch (error) {
        // Read-only: running it again on the primary is harmless.
        if (!failedOver(replica, error)) throw error;
        return readOnlyIn(ctx.db);
      }
    }

    const result = await withScope(
      ctx.db,
      { userId },
      async (tx) => {
        const caller = await tenantCaller(tx, ctx, input.orgSlug);
        await setTxOrg(tx, caller.tenant.orgId);
        if (meta?.replica) await readOnly(tx);
        return run(tx, caller);
      },
      limits,
    );
    if (type === "mutation") await noteWriteOf(ctx);
    return result;
  });

type RestRoute = NonNullable<ORPCMeta["route"]>;

/**
 * A procedure's REST route from "METHOD /path" (path params in braces name input fields):
 * `rest("GET /orgs/{orgSlug}/sites")`. `status` is the success status (201 for creates, 204
 * for deletes that answer nothing; 200 otherwise); `deprecation` marks a route that will go
 * (server/api/rest/deprecation.ts).
 */
export function rest(
  route: `${"GET" | "POST" | "PUT" | "PATCH" | "DELETE"} /${string}`,
  status?: number,
  deprecation?: Deprecation,
) {
  const [method, path] = route.split(" ") as [RestRoute["method"], `/${string}`];
  if (deprecation) deprecate(route, deprecation);
  return {
    method,
    path,
    ...(status ? { successStatus: status } : {}),
    ...(deprecation ? { deprecated: true } : {}),
  } satisfies RestRoute;
}

/**
 * A read-only procedure of an org that needs `permission` and may be answered by the
 * streaming replica (meta.replica): only for views that tolerate data up to
 * DATABASE_REPLICA_MAX_LAG_MS old, never for what a caller reads back after a change
 * (a detail view, a form) — a caller's own writes are read from the primary for a while.
 */
export function replicaProcedure(permission: Permission, route?: RestRoute) {
  return permissionProcedure(permission, route).meta({ access: permission, route, replica: true });
}

/** A procedure of an org that needs `permission`; with `route`, also in the REST API. */
export function permissionProcedure(permission: Permission, route?: RestRoute) {
  return tenantProcedure.meta({ access: permission, route }).use(({ ctx, next }) => {
    if (!ctx.scopes.has(permission)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `Your role cannot do ${permission}` });
    }
    return next();
  });
}
