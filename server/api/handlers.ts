// What app/ route handlers and server pages use outside tRPC: the server's HTTP surface.
// app/ reaches the server only through server/api (test/architecture/import-rules.ts).
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { toNextJsHandler } from "better-auth/next-js";
import { stripeWebhookHandler } from "../domains/billing/services/webhook/http";
import { enrollHandler, pollHandler } from "../domains/fleet/enrollment/http";
import { auth } from "../domains/identity/auth/auth";
import { getDb } from "../platform/db/client";
import { env } from "../platform/env";
import { withLogContext } from "../platform/log/logger";

export { getSessionUser } from "../domains/identity/auth/session";
export { enrollHandler, pollHandler, stripeWebhookHandler };

/** better-auth's routes under /api/auth/*. */
export const authHandlers = () => toNextJsHandler(auth);

/** GET /install.sh: the agent installer with this portal's URL filled in. */
export async function installScript() {
  const template = await readFile(path.join(process.cwd(), "edge-agent/install.sh.tmpl"), "utf8");
  const body = template.replaceAll("__PORTAL_URL__", env.APP_URL.replace(/\/$/, ""));
  return new Response(body, {
    headers: { "content-type": "text/x-shellscript; charset=utf-8", "cache-control": "no-store" },
  });
}

/** The development mail outbox (MAIL_OUTBOX_UI), newest first; null when it is off. */
export async function devOutbox() {
  if (!env.MAIL_OUTBOX_UI) return null;
  return getDb().mailOutbox.findMany({ orderBy: { createdAt: "desc" }, take: 50 });
}

/**
 * Runs a request's handler with a request id in every log line it writes: the caller's
 * `x-request-id` when it is a plain token, else a new one, answered in the same header.
 */
export async function withRequestLog(req: Request, handle: () => Promise<Response>) {
  const given = req.headers.get("x-request-id");
  const requestId = given && /^[\w.-]{8,64}$/.test(given) ? given : randomUUID();
  const res = await withLogContext({ requestId }, handle);
  try {
    res.headers.set("x-request-id", requestId);
  } catch {
    // immutable headers (a redirect): the id is still in the log
  }
  return res;
}
