// Class 9 of the hardening issue: the browser security headers and the CSP, as built from
// APP_URL. Before, no answer carried any of them. In Chromium, with every page checked for
// CSP violations: e2e/security-headers.spec.ts.
import { describe, expect, it } from "vitest";
import {
  CONSTANT_HEADERS,
  FALLBACK_CSP,
  newNonce,
  pagePolicy,
  runtimeHeaders,
} from "../../server/platform/http/security-headers";

const HTTP = "http://localhost:3000";
const HTTPS = "https://portal.example.com";

/** The policy as directive → sources. */
function directives(policy: string) {
  return new Map(
    policy.split(";").map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name!, sources] as const;
    }),
  );
}

describe("pagePolicy", () => {
  const prod = directives(pagePolicy({ nonce: "abc123==", appUrl: HTTP, dev: false }));

  it("allows scripts by this request's nonce and what they load, nothing inline", () => {
    expect(prod.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(prod.get("style-src")).toEqual(["'self'", "'nonce-abc123=='"]);
  });

  it("allows inline style attributes only (React Flow, Recharts), never unnonced <style>", () => {
    expect(prod.get("style-src-attr")).toEqual(["'unsafe-inline'"]);
    expect(prod.get("style-src")).not.toContain("'unsafe-inline'");
  });

  it("denies framing, plugins, base and form targets elsewhere", () => {
    expect(prod.get("default-src")).toEqual(["'self'"]);
    expect(prod.get("frame-ancestors")).toEqual(["'none'"]);
    expect(prod.get("object-src")).toEqual(["'none'"]);
    expect(prod.get("base-uri")).toEqual(["'self'"]);
    expect(prod.get("form-action")).toEqual(["'self'"]);
    expect(prod.get("connect-src")).toEqual(["'self'"]);
    expect(prod.get("img-src")).toEqual(["'self'", "data:", "blob:"]);
  });

  it("adds 'unsafe-eval' (and unnonced styles) in development only", () => {
    const dev = directives(pagePolicy({ nonce: "n", appUrl: HTTP, dev: true }));
    expect(dev.get("script-src")).toContain("'unsafe-eval'");
    expect(dev.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    const policy = pagePolicy({ nonce: "n", appUrl: HTTPS, dev: false });
    expect(policy).not.toContain("unsafe-eval");
    expect(prod.get("script-src")).not.toContain("'unsafe-eval'");
  });

  it("upgrades insecure requests only when APP_URL is https", () => {
    expect(prod.has("upgrade-insecure-requests")).toBe(false);
    const https = directives(pagePolicy({ nonce: "n", appUrl: HTTPS, dev: false }));
    expect(https.has("upgrade-insecure-requests")).toBe(true);
  });
});

describe("runtimeHeaders", () => {
  it("sends HSTS when APP_URL is https", () => {
    const headers = runtimeHeaders({ nonce: "n", appUrl: HTTPS, dev: false });
    expect(headers["strict-transport-security"]).toBe("max-age=31536000");
  });

  it("sends no HSTS over http (it would be ignored, and must not pin a plain-http portal)", () => {
    const headers = runtimeHeaders({ nonce: "n", appUrl: HTTP, dev: false });
    expect(headers).not.toHaveProperty("strict-transport-security");
  });

  it("carries the nonce in the CSP", () => {
    const nonce = newNonce();
    const headers = runtimeHeaders({ nonce, appUrl: HTTP, dev: false });
    expect(headers["content-security-policy"]).toContain(`'nonce-${nonce}'`);
  });
});

describe("newNonce", () => {
  it("is 128 random bits in base64, fresh every time", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const n of nonces) expect(n).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});

describe("constant headers", () => {
  it("cover sniffing, referrers, powerful features and framing", () => {
    expect(CONSTANT_HEADERS["x-content-type-options"]).toBe("nosniff");
    expect(CONSTANT_HEADERS["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(CONSTANT_HEADERS["x-frame-options"]).toBe("DENY");
    for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"])
      expect(CONSTANT_HEADERS["permissions-policy"]).toContain(`${feature}=()`);
  });

  it("are lower-case, so the proxy's CSP replaces the fallback instead of adding a second", () => {
    for (const name of Object.keys(CONSTANT_HEADERS)) expect(name).toBe(name.toLowerCase());
    expect(FALLBACK_CSP).toContain("default-src 'none'");
    expect(FALLBACK_CSP).toContain("frame-ancestors 'none'");
  });
});
