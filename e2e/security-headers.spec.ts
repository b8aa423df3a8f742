// Class 9 of the hardening issue, in Chromium: every page of the app, anonymous and signed
// in, loaded in full and reached by client-side navigation, under the real CSP, with no
// violation; and the security headers on pages, API answers (problem+json, tRPC,
// better-auth, webhooks), 404s, redirects and static files. Before the change no answer
// carried any of these headers, so every check here failed. The builder's cases (https,
// dev): test/security/headers.test.ts.
import type { Page } from "@playwright/test";
import { CONSTANT_HEADERS, FALLBACK_CSP } from "../server/platform/http/security-headers";
import { insertDevice, insertIncident, insertRollout } from "./demo-objects";
import { DEMO_PASSWORD, expect, failedResource, signIn, test } from "./fixtures";
import { matches, pageRoutes } from "./page-routes";

const PAGE_POLICY =
  /^default-src 'self'; script-src 'self' 'nonce-([A-Za-z0-9+/]{22}==)' 'strict-dynamic'; style-src 'self' 'nonce-\1'; .*frame-ancestors 'none'$/;

type Policy = "page" | "fallback";

/** The headers every answer carries, with the CSP the proxy (page) or next.config (fallback) set. */
function expectSecurityHeaders(headers: Record<string, string>, where: string, policy: Policy) {
  // Embed pages may be framed by their org's sites: CSP frame-ancestors alone says which.
  for (const [name, value] of Object.entries(CONSTANT_HEADERS))
    if (name === "x-frame-options" && where.startsWith("/embed/"))
      expect(headers[name], `${name} on ${where}`).toBeUndefined();
    else expect(headers[name], `${name} on ${where}`).toBe(value);
  const csp = headers["content-security-policy"];
  if (policy === "page") expect(csp, `CSP on ${where}`).toMatch(PAGE_POLICY);
  else expect(csp, `CSP on ${where}`).toBe(FALLBACK_CSP);
  // The journeys' APP_URL is http: no HSTS (https is the unit test's case).
  expect(headers["strict-transport-security"], `HSTS on ${where}`).toBeUndefined();
}

/** Records every CSP violation event of each document the page loads, into window. */
async function recordViolations(page: Page, lines: string[]) {
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      w.__cspViolations.push(
        `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber} ${e.sample})`,
      );
    });
  });
  page.on("console", (msg) => {
    if (/Content.Security.Policy|Permissions.Policy/i.test(msg.text()))
      lines.push(`${page.url()}: ${msg.text()}`);
  });
}

async function violationsHere(page: Page) {
  await page.waitForLoadState("networkidle");
  const found = await page.evaluate(
    () => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [],
  );
  return found.map((v) => `${new URL(page.url()).pathname}: ${v}`);
}

test("no page of the app violates its CSP, loaded or navigated to", async ({
  page,
  consoleGuard,
}) => {
  test.setTimeout(180_000);
  // The 404 page is visited on purpose.
  consoleGuard.allow(failedResource(404));
  const consoleLines: string[] = [];
  await recordViolations(page, consoleLines);
  const violations: string[] = [];
  const visited: string[] = [];
  const visit = async (url: string) => {
    const response = await page.goto(url);
    expect(response, url).not.toBeNull();
    expectSecurityHeaders(response!.headers(), url, "page");
    visited.push(new URL(page.url()).pathname);
    violations.push(...(await violationsHere(page)));
  };

  for (const url of [
    "/",
    "/sign-in",
    "/sign-up",
    "/forgot-password",
    "/reset-password",
    "/reset-password?token=not-a-token",
    "/verify-email",
    "/verify-email?error=invalid_token",
    "/invite/not-a-real-token",
    "/embed/not-a-real-token",
    "/dev/outbox",
    "/no-such-page",
  ])
    await visit(url);

  await signIn(page, "msp-admin@demo.patronus.dev", DEMO_PASSWORD);
  violations.push(...(await violationsHere(page)));
  for (const url of [
    "/orgs",
    "/orgs/new",
    "/o/demo-msp",
    "/o/demo-msp/members",
    "/o/demo-msp/customers",
    "/o/demo-msp/billing",
    "/o/acme",
    "/o/acme/api-keys",
    "/o/acme/audit",
    "/o/acme/billing",
    "/o/acme/members",
    "/o/acme/policies",
    "/o/acme/rollouts",
    "/o/acme/settings",
    "/o/acme/steering",
    "/o/acme/topology",
    "/o/acme/webhooks",
    "/o/acme/branding",
    "/o/acme/domains",
    "/o/acme/devices",
    "/o/acme/incidents",
    "/o/acme/reports",
    "/o/acme/path-events",
    "/o/acme/alerts",
    "/o/acme/sites",
  ])
    await visit(url);
  const siteId = await page.getByTestId("site-row").first().getAttribute("data-site-id");
  if (!siteId) throw new Error("acme has no site (prisma/seed.ts makes three)");
  await visit(`/o/acme/sites/${siteId}`);
  await visit(`/o/acme/sites/${siteId}/paths`);
  await visit(`/o/acme/sites/${siteId}/traffic`);
  await visit(`/o/acme/rollouts/${await insertRollout()}`);
  await visit(`/o/acme/devices/${await insertDevice(siteId)}`);
  await visit(`/o/acme/incidents/${await insertIncident(siteId)}`);

  // Client-side navigation loads more chunks through Next's router ('strict-dynamic').
  await visit("/o/acme");
  const nav = page.getByRole("navigation", { name: "Organization" });
  for (const link of await nav.getByRole("link").all()) {
    const href = await link.getAttribute("href");
    await link.click();
    await page.waitForURL((url) => url.pathname === href);
    violations.push(...(await violationsHere(page)));
  }

  const missed = pageRoutes().filter((route) => !visited.some((p) => matches(route, p)));
  expect(missed, "pages this test does not visit (add them above)").toEqual([]);
  expect(consoleLines, "CSP or Permissions-Policy messages in the console").toEqual([]);
  expect(violations, "securitypolicyviolation events").toEqual([]);
});

test("pages carry a fresh nonce on every script, different on every request", async ({
  request,
}) => {
  const nonces: string[] = [];
  for (let i = 0; i < 2; i++) {
    const response = await request.get("/sign-in");
    const nonce = response.headers()["content-security-policy"]?.match(PAGE_POLICY)?.[1];
    expect(nonce).toBeTruthy();
    const scripts = (await response.text()).match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    nonces.push(nonce!);
  }
  expect(nonces[0]).not.toBe(nonces[1]);
});

// Next's own trailing-slash redirect (`/sign-in/` → 308) is answered before config headers
// and the proxy run: it carries none, and has no body to protect.
test("API answers, errors, 404s, redirects and static files carry the headers", async ({
  request,
}) => {
  const html = await (await request.get("/sign-in")).text();
  const chunk = html.match(/\/_next\/static\/[^"]+\.js/)?.[0];
  if (!chunk) throw new Error("no script chunk on /sign-in");

  const cases: [string, Policy, () => ReturnType<typeof request.get>][] = [
    ["GET /api/auth/get-session", "page", () => request.get("/api/auth/get-session")],
    ["GET /api/trpc (a query)", "page", () => request.get("/api/trpc/org.list")],
    [
      "GET /api/fleet/enroll/poll (problem+json)",
      "page",
      () => request.get("/api/fleet/enroll/poll"),
    ],
    ["GET /api/unknown (404)", "page", () => request.get("/api/no-such-route")],
    ["GET /install.sh", "page", () => request.get("/install.sh")],
    ["GET /unknown (404 page)", "page", () => request.get("/no-such-page")],
    // Requests with a body skip the proxy (it would buffer the body): next.config's headers.
    [
      "POST /api/trpc (a mutation)",
      "fallback",
      () => request.post("/api/trpc/org.create", { data: { name: "x" } }),
    ],
    [
      "POST /api/auth/sign-in/email (refused)",
      "fallback",
      () =>
        request.post("/api/auth/sign-in/email", {
          data: { email: "nobody@e2e.patronus.test", password: "wrong-password" },
        }),
    ],
    [
      "POST /api/fleet/enroll (problem+json 400)",
      "fallback",
      () => request.post("/api/fleet/enroll", { data: {} }),
    ],
    [
      "POST /api/webhooks/stripe (no signature)",
      "fallback",
      () => request.post("/api/webhooks/stripe", { data: { id: "evt_x" } }),
    ],
    ["a static chunk", "fallback", () => request.get(chunk)],
    ["a redirect to sign-in", "page", () => request.get("/orgs", { maxRedirects: 0 })],
  ];
  for (const [where, policy, send] of cases) {
    const response = await send();
    expectSecurityHeaders(response.headers(), `${where} (${response.status()})`, policy);
  }
  const problem = await request.post("/api/fleet/enroll", { data: {} });
  expect(problem.headers()["content-type"]).toContain("application/problem+json");
  const redirect = await request.get("/orgs", { maxRedirects: 0 });
  expect(redirect.status()).toBe(307);
});
