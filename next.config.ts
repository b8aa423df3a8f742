import type { NextConfig } from "next";
import { CONSTANT_HEADERS, FALLBACK_CSP } from "./server/platform/http/security-headers";

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
  ],
  poweredByHeader: false,
  // `npm test` type-checks the whole repository in its own step (tsc); building again
  // would only repeat it, and tie the portal build to unrelated folders (bpf/ tests).
  typescript: { ignoreBuildErrors: true },
  // Every answer, static files and redirects included. proxy.ts replaces the CSP with the
  // pages' nonce policy and adds HSTS at run time (these are fixed when the app is built).
  async headers() {
    const headers = { ...CONSTANT_HEADERS, "content-security-policy": FALLBACK_CSP };
    return [
      {
        source: "/:path*",
        headers: Object.entries(headers).map(([key, value]) => ({ key, value })),
      },
    ];
  },
};

export default config;
