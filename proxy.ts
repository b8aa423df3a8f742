import { type NextRequest, NextResponse } from "next/server";
import { PATH_HEADER, requestedPath } from "./app/_lib/requested-path";
import { embedFrameAncestors } from "./server/api/embed";
import { env } from "./server/platform/env";
import { newNonce, runtimeHeaders } from "./server/platform/http/security-headers";

function decodeURIComponentSafe(text: string) {
  try {
    return decodeURIComponent(text);
  } catch {
    return "";
  }
}

/**
 * Gives every request a fresh CSP nonce: Next.js reads it from the request's
 * Content-Security-Policy and puts it on its own scripts, and the browser gets the same
 * policy (plus HSTS when APP_URL is https). The constant headers come from next.config.ts.
 */
export async function proxy(request: NextRequest) {
  // An embed page may be framed by the sites its token's org allows; every other page by none.
  const embed = /^\/embed\/([^/]+)$/.exec(request.nextUrl.pathname)?.[1];
  const headers = runtimeHeaders({
    nonce: newNonce(),
    appUrl: env.APP_URL,
    dev: env.NODE_ENV === "development",
    frameAncestors: embed ? await embedFrameAncestors(decodeURIComponentSafe(embed)) : "'none'",
  });
  const forwarded = new Headers(request.headers);
  forwarded.set("content-security-policy", headers["content-security-policy"]!);
  // Set here, never taken from the client (a client's own header of that name is replaced).
  forwarded.set(PATH_HEADER, requestedPath(request.nextUrl));
  const response = NextResponse.next({ request: { headers: forwarded } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: [
    {
      // Static files are immutable and never HTML: next.config.ts covers them. So are
      // uploaded images (/assets/<id>), whose route sets its own CSP (an SVG's sandbox).
      source: "/((?!_next/static|_next/image|assets/).*)",
      // A request with a body skips the proxy: Next would read the whole body into memory
      // before any route runs (for the proxy to read it too), defeating the route helper's
      // streaming limit. Its answer is JSON or a redirect, with next.config.ts's headers.
      missing: [
        { type: "header", key: "content-length", value: "0*[1-9][0-9]*" },
        { type: "header", key: "transfer-encoding" },
      ],
    },
  ],
};
