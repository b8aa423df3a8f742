import type { NextConfig } from "next";
import { ASSET_CSP, CONSTANT_HEADERS, FALLBACK_CSP } from "./server/platform/http/security-headers";

const config: NextConfig = {
  // Node-only packages stay out of the bundle and load from node_modules at run time.
  serverExternalPackages: [
    "pg",
    "@prisma/adapter-pg",
    "bullmq",
    "ioredis",
    "nodemailer",
    "mqtt",
    "@peculiar/x509",
    "reflect-metadata",
    "prom-client",
  ],
  poweredByHeader: false,
  // `npm test` type-checks the whole repository in its own step (tsc); building again
  // would only repeat it, and tie the portal build to unrelated folders (bpf/ tests).
  typescript: { ignoreBuildErrors: true },
  // Every answer, static files and redirects included. proxy.ts replaces the CSP with the
  // pages' nonce policy and adds HSTS at run time (these are fixed when the app is built).
  // Uploaded images (/assets/…) get their own policy (an SVG's sandbox) instead.
  async headers() {
    const list = (h: Record<string, string>) =>
      Object.entries(h).map(([key, value]) => ({ key, value }));
    // Embed pages may be framed by their org's sites: CSP frame-ancestors (proxy.ts) says
    // which, and X-Frame-Options (which can name no origin) is left off them.
    const framable = Object.fromEntries(
      Object.entries(CONSTANT_HEADERS).filter(([name]) => name !== "x-frame-options"),
    );
    const fallback = list({ "content-security-policy": FALLBACK_CSP });
    return [
      { source: "/", headers: list(CONSTANT_HEADERS) },
      { source: "/:path((?!embed/).*)", headers: list(CONSTANT_HEADERS) },
      { source: "/embed/:path*", headers: list(framable) },
      { source: "/", headers: fallback },
      { source: "/:path((?!assets/).*)", headers: fallback },
      { source: "/assets/:id", headers: list({ "content-security-policy": ASSET_CSP }) },
    ];
  },
};

export default config;
