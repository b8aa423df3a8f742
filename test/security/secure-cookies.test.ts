// Class 9 of the hardening issue: better-auth's cookies (the only ones the app sets) are
// Secure, under the __Secure- prefix, whenever APP_URL is https, and plain over http
// (local development, the e2e journeys). better-auth infers as much from a string baseURL
// today; auth.ts states it (advanced.useSecureCookies), and this pins it, for when the
// inference would not hold (a per-host baseURL for white-label domains falls back to the
// request's protocol or NODE_ENV). Headers: test/security/headers.test.ts.
import { afterEach, describe, expect, it, vi } from "vitest";

/** better-auth's cookie settings as the auth module builds them under `appUrl`. */
async function authCookiesUnder(appUrl: string) {
  vi.resetModules();
  vi.stubEnv("APP_URL", appUrl);
  const { auth } = await import("../../server/domains/identity/auth/auth");
  return (await auth.$context).authCookies;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("auth cookies", () => {
  it("are Secure and __Secure-prefixed when APP_URL is https", async () => {
    const cookies = await authCookiesUnder("https://portal.example.com");
    for (const cookie of [cookies.sessionToken, cookies.sessionData, cookies.dontRememberToken]) {
      expect(cookie.name).toMatch(/^__Secure-/);
      expect(cookie.attributes.secure).toBe(true);
      expect(cookie.attributes.httpOnly).toBe(true);
    }
  });

  it("are plain over http", async () => {
    const cookies = await authCookiesUnder("http://localhost:3000");
    expect(cookies.sessionToken.name).not.toMatch(/^__Secure-/);
    expect(cookies.sessionToken.attributes.secure).toBe(false);
  });
});
