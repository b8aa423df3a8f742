// What app/ route handlers and server pages use outside tRPC: the server's HTTP surface.
// app/ reaches the server only through server/api (test/architecture/import-rules.ts).
// Every handler here is built by the platform's one route helper (defineRoute): bounded
// body, request id, problem+json errors.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { toNextJsHandler } from "better-auth/next-js";
import { stripeWebhookHandler } from "../domains/billing/services/webhook/http";
import { hostOrgOf } from "../domains/custom-domains";
import { enrollHandler, pollHandler, timeHandler } from "../domains/fleet/enrollment/http";
import { auth } from "../domains/identity/auth/auth";
import { getSessionUser } from "../domains/identity/auth/session";
import { getDb } from "../platform/db/client";
import { env } from "../platform/env";
import { AppError } from "../platform/errors";
import { clientIp } from "../platform/http/client-ip";
import { defineRoute, HttpError } from "../platform/http/route";
import { assertSameOrigin } from "../platform/http/same-origin";
import { inLane, withinBudget } from "../platform/http/user-budget";
import { isPlatformOperator } from "../platform/tenancy/operators";
import { createContext } from "./context";
import { appRouter } from "./root";
import { TRPC_MAX_BATCH } from "./shared";

export { enrollHandler, getSessionUser, pollHandler, stripeWebhookHandler, timeHandler };

/** The largest body the tRPC endpoint reads (a batch of form inputs is far smaller). */
const TRPC_MAX_BODY = 1024 * 1024;
/** The largest body better-auth's routes read (credentials, a profile). */
const AUTH_MAX_BODY = 64 * 1024;

/** /api/trpc/*: the portal's procedures. */
export const trpcHandler = defineRoute({
  name: "trpc",
  maxBodyBytes: TRPC_MAX_BODY,
  handle: async ({ request }) => {
    const host = await hostOrgOf(request.headers);
    assertSameOrigin(request, host ? [host.origin] : []);
    return fetchRequestHandler({
      endpoint: "/api/trpc",
      req: request,
      router: appRouter,
      maxBatchSize: TRPC_MAX_BATCH,
      // The session lookup (a database read) runs in its cookie's lane, before the
      // user's budget can apply.
      createContext: () => {
        const cookie = request.headers.get("cookie");
        if (!cookie) return createContext(request.headers);
        const lane = `session:${createHash("sha256").update(cookie).digest("base64url")}`;
        return inLane(lane, () => createContext(request.headers)).catch((error: unknown) => {
          // tRPC answers 500 for anything else thrown here.
          if (error instanceof AppError)
            throw new TRPCError({ code: error.code, message: error.message });
          throw error;
        });
      },
    });
  },
});

/** better-auth's routes under /api/auth/*. */
export function authHandlers() {
  const { GET, POST } = toNextJsHandler(auth);
  // Every auth route runs within its client's budget, as anonymous tRPC calls do.
  const route = (name: string, run: (req: Request) => Promise<Response>) =>
    defineRoute({
      name,
      maxBodyBytes: AUTH_MAX_BODY,
      handle: async ({ request }) => {
        // better-auth checks the Origin only of requests that carry cookies; a sign-in from
        // another origin (an unverified host pointed at the portal) is refused here too.
        const host = await hostOrgOf(request.headers);
        assertSameOrigin(request, host ? [host.origin] : []);
        const ip = clientIp(request.headers);
        return ip === "unknown" ? run(request) : withinBudget(`ip:${ip}`, () => run(request));
      },
    });
  return { GET: route("auth.get", GET), POST: route("auth.post", POST) };
}

/** GET /install.sh: the agent installer with this portal's URL filled in. */
export const installScript = defineRoute({
  name: "fleet.install-script",
  maxBodyBytes: 0,
  async handle() {
    const template = await readFile(path.join(process.cwd(), "edge-agent/install.sh.tmpl"), "utf8");
    const body = template.replaceAll("__PORTAL_URL__", env.APP_URL.replace(/\/$/, ""));
    return new Response(body, {
      headers: { "content-type": "text/x-shellscript; charset=utf-8", "cache-control": "no-store" },
    });
  },
});

/** GET /api/fleet/agent.mjs: the agent as one file (built by `npm run build:agent`). */
export const agentBundle = defineRoute({
  name: "fleet.agent-bundle",
  maxBodyBytes: 0,
  async handle() {
    const file = path.join(process.cwd(), "dist/agent/patronus-agent.mjs");
    const body = await readFile(file).catch(() => undefined);
    if (!body)
      throw new HttpError(
        404,
        "NOT_FOUND",
        "The agent bundle is not built: run npm run build:agent",
      );
    return new Response(new Uint8Array(body), {
      headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" },
    });
  },
});

/**
 * The development mail outbox, newest first, for a signed-in platform operator when
 * MAIL_OUTBOX_UI is on (never in production); null for anyone else, or when it is off.
 */
export async function devOutbox(headers: Headers) {
  if (!env.MAIL_OUTBOX_UI) return null;
  if (!isPlatformOperator(await getSessionUser(headers))) return null;
  return getDb().mailOutbox.findMany({ orderBy: { createdAt: "desc" }, take: 50 });
}

export { printPdf } from "../domains/reports";
export { assetRoute } from "./asset-route";
export { faviconRoute } from "./favicon-route";
export { docsAsset, docsPage, openApiRoute } from "./rest/docs";
export { restHandler } from "./rest/handler";
export { orgMetricsHandler } from "./rest/org-metrics";
