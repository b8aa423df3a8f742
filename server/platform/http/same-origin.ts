import { env } from "../env";
import { HttpError } from "./route";

/**
 * A browser's request from another origin is refused before any procedure runs (defense in
 * depth next to SameSite cookies and JSON-only bodies). Clients that send no Origin (not a
 * browser: scripts, tests) are not affected. `alsoAllowed`: the verified custom domain's
 * origin the request came in on (docs/custom-domains.md); an unverified host has none.
 */
export function assertSameOrigin(request: Request, alsoAllowed: readonly string[] = []) {
  if (request.method === "GET") return;
  const origin = request.headers.get("origin");
  // A browser says where a request comes from even when it sends no Origin.
  const site = request.headers.get("sec-fetch-site");
  if (
    (origin !== null && origin !== new URL(env.APP_URL).origin && !alsoAllowed.includes(origin)) ||
    site === "cross-site" ||
    site === "same-site"
  )
    throw new HttpError(403, "FORBIDDEN", "Requests from another origin are refused");
}
