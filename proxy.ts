import { type NextRequest, NextResponse } from "next/server";
import { env } from "./server/platform/env";
import { newNonce, runtimeHeaders } from "./server/platform/http/security-headers";

/**
 * Gives every request a fresh CSP nonce: Next.js reads it from the request's
 * Content-Security-Policy and puts it on its own scripts, and the browser gets the same
 * policy (plus HSTS when APP_URL is https). The constant headers come from next.config.ts.
 */
export function proxy(request: NextRequest) {
  const headers = runtimeHeaders({
    nonce: newNonce(),
    appUrl: env.APP_URL,
    dev: env.NODE_ENV === "development",
  });
  const forwarded = new Headers(request.headers);
  forwarded.set("content-security-policy", headers["content-security-policy"]!);
  const response = NextResponse.next({ request: { headers: forwarded } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: [
    {
      // Static files are immutable and never HTML: next.config.ts covers them.
      source: "/((?!_next/static|_next/image).*)",
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
