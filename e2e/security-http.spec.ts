// Classes 1 and 3 of the hardening issue, over real HTTP against the portal server
// (scripts/portal.ts, Next behind server/platform/http/portal-server.ts):
// - every body is cut off at its route's limit while it streams, a chunked one with no
//   Content-Length too, and the portal's memory stays flat while clients send gigabytes;
// - the client address is the socket's: a spoofed X-Forwarded-For changes nothing.
// Before the fix, the first X-Forwarded-For entry was the address, so rotating it gave an
// attacker a fresh sign-in budget on every request.
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { DEMO_PASSWORD, expect, test, uniqueEmail } from "./fixtures";
import { loadStack } from "./stack";

const KiB = 1024;
const MiB = 1024 * KiB;

interface Upload {
  status: number | null;
  /** Bytes the client got to write before the answer came or the connection closed. */
  written: number;
}

/**
 * POSTs a chunked body (no Content-Length) of up to `total` bytes, writing only as fast as
 * the server reads, until the server answers or closes the connection.
 */
function streamUpload(baseURL: string, path: string, total: number, headers = {}): Promise<Upload> {
  const url = new URL(path, baseURL);
  const chunk = Buffer.alloc(64 * KiB, 0x61);
  return new Promise((resolve) => {
    let written = 0;
    let status: number | null = null;
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolve({ status, written });
    };
    const req = httpRequest(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", origin: url.origin, ...headers },
      },
      (res) => {
        status = res.statusCode ?? null;
        res.resume();
        res.on("end", done);
        res.on("error", done);
      },
    );
    req.on("error", done);
    req.on("close", done);
    const pump = () => {
      while (!settled && status === null && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!settled && status === null && written >= total) req.end();
    };
    pump();
  });
}

function portalRssBytes(): number {
  const pid = loadStack()?.portalPid;
  if (!pid) throw new Error("the e2e stack did not record the portal's pid");
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return Number(line?.split(/\s+/)[1]) * KiB;
}

// Each limited route, its limit, and a body that reaches its handler's size check.
const ROUTES = [
  { path: "/api/trpc/site.list", limit: MiB },
  { path: "/api/auth/sign-in/email", limit: 64 * KiB },
  { path: "/api/fleet/enroll", limit: 256 * KiB },
  { path: "/api/webhooks/stripe", limit: 1_000_000 },
];

test.describe("request bodies", () => {
  for (const route of ROUTES) {
    test(`${route.path} cuts a chunked body off at ${route.limit} bytes with 413`, async ({
      baseURL,
    }) => {
      const upload = await streamUpload(baseURL!, route.path, 64 * MiB);
      expect(upload.status).toBe(413);
      // What the server read, plus what loopback socket buffers hold.
      expect(upload.written).toBeLessThan(route.limit + 16 * MiB);
    });
  }

  test("keep the portal's memory flat while clients each send a gigabyte", async ({ baseURL }) => {
    test.setTimeout(180_000);
    const targets = [...ROUTES.map((r) => r.path), "/api/no-such-route", "/sign-in", "/"];
    // A first round warms every route up, so its code is loaded before the baseline.
    await Promise.all(targets.map((path) => streamUpload(baseURL!, path, 4 * MiB)));
    const before = portalRssBytes();
    const uploads = await Promise.all(
      [...targets, ...targets].map((path) => streamUpload(baseURL!, path, 1024 * MiB)),
    );
    const after = portalRssBytes();
    for (const upload of uploads) expect(upload.written).toBeLessThan(64 * MiB);
    console.log(
      `portal RSS ${Math.round(before / MiB)} MiB → ${Math.round(after / MiB)} MiB over ${uploads.length} uploads of up to 1 GiB`,
    );
    expect(after - before).toBeLessThan(64 * MiB);
  });
});

test.describe("the client address", () => {
  test("a spoofed X-Forwarded-For does not give a fresh sign-in budget", async ({ request }) => {
    const email = uniqueEmail("spoof");
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await request.post("/api/auth/sign-in/email", {
        data: { email, password: "wrong-password" },
        headers: { "x-forwarded-for": `198.51.100.${i}`, "x-real-ip": `198.51.100.${i}` },
      });
      statuses.push(res.status());
    }
    // e2e runs with SIGNIN_MAX_ATTEMPTS=50 per (account, client) pair: the one socket
    // address is one client, whatever the header says.
    expect(statuses.slice(0, 50).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(50).every((s) => s === 429)).toBe(true);
  });

  test("a client cannot write the address header the portal stamps", async ({ request }) => {
    const email = uniqueEmail("stamp");
    const statuses: number[] = [];
    for (let i = 0; i < 52; i++) {
      const res = await request.post("/api/auth/sign-in/email", {
        data: { email, password: "wrong-password" },
        headers: { "x-patronus-client-ip": `198.51.100.${i}` },
      });
      statuses.push(res.status());
    }
    expect(statuses.slice(50)).toEqual([429, 429]);
  });
});

test.describe("malformed requests", () => {
  test("are a 400 before Next, never a 500", async ({ request }) => {
    for (const path of ["/o/%ED%A0%80/sites", "/o/acme%ff/sites", "/o/%00x/sites"])
      expect((await request.get(path, { maxRedirects: 0 })).status(), path).toBe(400);
    const rsc = await request.get("/sign-in?_rsc=x", {
      headers: { rsc: "1", "next-router-state-tree": "not-json" },
      maxRedirects: 0,
    });
    expect(rsc.status()).toBe(400);
  });
});

test("a URL segment that cannot be a slug or id is a 404 page, not a 500", async ({ request }) => {
  const signIn = await request.post("/api/auth/sign-in/email", {
    data: { email: "msp-admin@demo.patronus.dev", password: DEMO_PASSWORD },
  });
  expect(signIn.status()).toBe(200);
  for (const path of [
    `/o/${"a".repeat(5000)}/sites`,
    `/o/acme/sites/${"x".repeat(65)}`,
    `/o/acme/rollouts/${"x".repeat(200)}`,
  ])
    expect((await request.get(path, { maxRedirects: 0 })).status(), path.slice(0, 40)).toBe(404);
});
