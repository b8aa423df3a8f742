// Browser security headers, built in this one place (docs/security.md, "Browser headers").
// Two layers put them on the wire:
// - next.config.ts `headers()` sets `CONSTANT_HEADERS` and `FALLBACK_CSP` on every answer,
//   static files and redirects included. They depend on no configuration, because Next
//   bakes config headers into the build.
// - proxy.ts overrides the CSP with `pagePolicy` (a fresh nonce per request) and adds HSTS
//   from APP_URL at run time, on every request without a body: pages, their RSC payloads,
//   404s and GET API answers.
// Pure functions; the caller brings the nonce and the configuration.

/** Browser features no page of the portal uses: denied to it and to anything it embeds. */
const DENIED_FEATURES = [
  "accelerometer",
  "autoplay",
  "browsing-topics",
  "camera",
  "display-capture",
  "encrypted-media",
  "fullscreen",
  "geolocation",
  "gyroscope",
  "hid",
  "magnetometer",
  "microphone",
  "midi",
  "payment",
  "picture-in-picture",
  "screen-wake-lock",
  "serial",
  "usb",
  "xr-spatial-tracking",
];

/** The same on every answer of every deployment. */
export const CONSTANT_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  // Reset and invitation links carry their token in the URL: another site never sees more
  // than our origin.
  "referrer-policy": "strict-origin-when-cross-origin",
  "permissions-policy": DENIED_FEATURES.map((f) => `${f}=()`).join(", "),
  // Older browsers' frame-ancestors (not on /embed pages, which CSP lets their org's sites frame).
  "x-frame-options": "DENY",
  // No window opened from another site keeps a handle on ours (tabnabbing, XS-Leaks).
  "cross-origin-opener-policy": "same-origin",
};

/**
 * For the answers the proxy does not see (static files, requests with a body: API calls,
 * webhooks): JSON or assets that nothing may frame and that load nothing themselves.
 * Set under the lower-case name, so the proxy's `content-security-policy` replaces it.
 */
export const FALLBACK_CSP =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Uploaded images (/assets/<id>, docs/storage.md): an SVG opened on its own may draw with
 * its own styles and nothing else, in a sandbox with a unique origin. The same for every
 * asset, so next.config.ts can set it by path (its headers win over a route's own).
 */
export const ASSET_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

export interface PagePolicyOptions {
  /** This request's nonce (`newNonce()`); Next.js reads it back from the request's CSP. */
  nonce: string;
  /** APP_URL: https turns on `upgrade-insecure-requests` (and HSTS, `runtimeHeaders`). */
  appUrl: string;
  /** `next dev`: React needs eval for its error overlays and injects unnonced styles. */
  dev: boolean;
  /**
   * Who may frame the page: 'none' (every page), or for an embed page the origins its
   * org allows (docs/custom-domains.md, "Embedding").
   */
  frameAncestors?: string;
}

export function isHttps(appUrl: string): boolean {
  return new URL(appUrl).protocol === "https:";
}

/**
 * The pages' policy. Scripts: only those carrying this request's nonce (Next.js adds it to
 * its own) and what they load ('strict-dynamic'; 'self' is for CSP2-only browsers, which
 * ignore 'strict-dynamic'). Style elements need the nonce too; style *attributes* are
 * allowed ('unsafe-inline' in style-src-attr) because React Flow positions nodes and
 * Recharts sizes charts with server-rendered `style="…"`. An injected attribute cannot load
 * anything or select other elements, unlike an injected <style>. A nonce in style-src would
 * make browsers ignore 'unsafe-inline' there, hence the separate directive.
 */
export function pagePolicy({
  nonce,
  appUrl,
  dev,
  frameAncestors = "'none'",
}: PagePolicyOptions): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // In dev, Next's overlay and hot reload inject <style> without a nonce, and a nonce
    // would disable 'unsafe-inline'.
    dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    // tRPC and better-auth are same-origin; nothing else is fetched from the browser.
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ];
  if (isHttps(appUrl)) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/**
 * HSTS, only when the portal is served over https (a browser ignores it over http, and an
 * http deployment must stay reachable). One year; no includeSubDomains or preload: those
 * bind every subdomain of the operator's host, which is the operator's call.
 */
export function strictTransportSecurity(appUrl: string): string | null {
  return isHttps(appUrl) ? "max-age=31536000" : null;
}

/** What proxy.ts sets on a request's answer (on top of `CONSTANT_HEADERS`). */
export function runtimeHeaders(options: PagePolicyOptions): Record<string, string> {
  const hsts = strictTransportSecurity(options.appUrl);
  return {
    "content-security-policy": pagePolicy(options),
    ...(hsts ? { "strict-transport-security": hsts } : {}),
  };
}

/** 128 random bits, base64: unguessable, and fresh for every request. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
