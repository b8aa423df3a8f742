// The SDK's retries against a scripted HTTP server on loopback: 429 waits for Retry-After,
// 503 and dropped connections are retried for safe methods and keyed POSTs (the same
// Idempotency-Key each time), PATCH is not replayed, and a long Retry-After is thrown.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createPatronus,
  NetworkError,
  PatronusError,
  RateLimitedError,
} from "../../sdk/typescript/src/index";
import { retryAfterMs } from "../../sdk/typescript/src/retry";

type Script = (n: number) => { status: number; headers?: Record<string, string> } | "drop";
let script: Script = () => ({ status: 200 });
let seen: { method: string; key: string | undefined }[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? "", key: req.headers["idempotency-key"] as string });
    req.resume();
    const step = script(seen.length);
    if (step === "drop") return req.socket.destroy();
    const problem = step.status >= 400;
    res.writeHead(step.status, {
      "content-type": problem ? "application/problem+json" : "application/json",
      ...step.headers,
    });
    res.end(
      JSON.stringify(
        problem
          ? { type: "about:blank", title: "x", status: step.status, detail: "busy", code: "X" }
          : { items: [], next: null, id: "site_1", name: "n" },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
});

const client = (retries: number | object = { baseDelayMs: 1 }) =>
  createPatronus({ baseUrl: url, apiKey: "pat_test", retries });
const list = (c = client()) =>
  c.GET("/orgs/{orgSlug}/sites", { params: { path: { orgSlug: "acme" } } });
const create = (c = client()) =>
  c.POST("/orgs/{orgSlug}/sites", { params: { path: { orgSlug: "acme" } }, body: { name: "n" } });

describe("SDK retries", () => {
  it("wait out 429s with Retry-After, then answer", async () => {
    script = (n) => (n < 3 ? { status: 429, headers: { "retry-after": "0" } } : { status: 200 });
    await expect(list()).resolves.toMatchObject({ data: { items: [] } });
    expect(seen).toHaveLength(3);
  });

  it("retry a POST after a 503 and a dropped connection with one Idempotency-Key", async () => {
    script = (n) => (n === 1 ? { status: 503 } : n === 2 ? "drop" : { status: 201 });
    await expect(create()).resolves.toMatchObject({ data: { id: "site_1" } });
    expect(seen.map((s) => s.method)).toEqual(["POST", "POST", "POST"]);
    expect(new Set(seen.map((s) => s.key)).size).toBe(1);
    expect(seen[0]?.key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("do not replay a PATCH that may have been applied", async () => {
    script = () => ({ status: 503 });
    const patch = client().PATCH("/orgs/{orgSlug}/sites/{siteId}", {
      params: { path: { orgSlug: "acme", siteId: "site_1" } },
      body: { name: "m" },
    });
    await expect(patch).rejects.toMatchObject({ status: 503, detail: "busy" });
    expect(seen).toHaveLength(1);
  });

  it("throw a 429 whose Retry-After is too long to wait, with the wait", async () => {
    script = () => ({ status: 429, headers: { "retry-after": "3600" } });
    const error = await list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(3600);
    expect(seen).toHaveLength(1);
  });

  it("give up after the last retry: the last answer, or a NetworkError", async () => {
    script = () => ({ status: 503 });
    await expect(list(client({ max: 2, baseDelayMs: 1 }))).rejects.toBeInstanceOf(PatronusError);
    expect(seen).toHaveLength(3);
    seen = [];
    script = () => "drop";
    await expect(list(client(0))).rejects.toBeInstanceOf(NetworkError);
    expect(seen).toHaveLength(1);
  });

  it("read Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-12-01T10:00:00Z");
    expect(retryAfterMs("7", now)).toBe(7000);
    expect(retryAfterMs("Tue, 01 Dec 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
