// The one route helper: bounded bodies (declared and streamed), zod in and out, errors as
// one problem+json envelope with the request id, and nothing internal shown.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "../../server/platform/errors";
import { defineRoute, readBounded } from "../../server/platform/http/route";

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request("http://localhost/x", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    duplex: "half",
  } as RequestInit);

/** A chunked body of `chunks` × `size` bytes that counts how many chunks were pulled. */
function endless(chunks: number, size: number) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= chunks) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
  return { stream, pulled: () => pulled };
}

const echo = defineRoute({
  name: "test.echo",
  maxBodyBytes: 1024,
  input: z.object({ name: z.string().max(10) }),
  output: z.object({ hello: z.string() }),
  handle: async ({ body }) => ({ hello: body.name }),
});

describe("defineRoute", () => {
  it("answers the handler's data as JSON with the caller's request id", async () => {
    const res = await echo(
      post(JSON.stringify({ name: "ann" }), { "x-request-id": "req-12345678" }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("req-12345678");
    expect(await res.json()).toEqual({ hello: "ann" });
  });

  it("makes a request id when the caller's is missing or not a plain token", async () => {
    const res = await echo(post(JSON.stringify({ name: "ann" }), { "x-request-id": "a b;c" }));
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a declared length over the limit before reading (413)", async () => {
    const { stream, pulled } = endless(1000, 1024);
    const res = await echo(post(stream, { "content-length": String(1024 * 1000) }));
    expect(res.status).toBe(413);
    expect(pulled()).toBeLessThanOrEqual(1);
  });

  it("cuts a chunked body without Content-Length off at the limit (413), reading no further", async () => {
    const { stream, pulled } = endless(100_000, 512);
    const res = await echo(post(stream));
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({
      type: "about:blank",
      status: 413,
      code: "PAYLOAD_TOO_LARGE",
      requestId: res.headers.get("x-request-id"),
    });
    expect(pulled()).toBeLessThan(10);
  });

  it("reads a body of exactly the limit", async () => {
    const raw = await readBounded(post("x".repeat(1024)), 1024);
    expect(raw.length).toBe(1024);
  });

  it("names the bad field, refuses bad JSON and other media types", async () => {
    const long = await echo(post(JSON.stringify({ name: "x".repeat(11) })));
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({
      code: "BAD_REQUEST",
      detail: expect.stringMatching(/^name: /),
      errors: [{ path: "name", message: expect.any(String) }],
    });
    const notJson = await echo(post("{nope"));
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ detail: "The request body is not valid JSON" });
    const form = await echo(
      post("name=x", { "content-type": "application/x-www-form-urlencoded" }),
    );
    expect(form.status).toBe(415);
  });

  it("maps AppErrors and input-caused database errors to their statuses", async () => {
    const failing = (error: unknown) =>
      defineRoute({
        name: "test.fail",
        maxBodyBytes: 0,
        handle: async () => {
          throw error;
        },
      })(new Request("http://localhost/x"));
    const cases: [unknown, number, string][] = [
      [new AppError("NOT_FOUND", "Site not found"), 404, "NOT_FOUND"],
      [new AppError("PAYMENT_REQUIRED", "Upgrade"), 402, "PAYMENT_REQUIRED"],
      [
        Object.assign(new Error("unique"), { code: "P2002", meta: { target: ["name"] } }),
        409,
        "CONFLICT",
      ],
      [Object.assign(new Error("too long"), { code: "P2000" }), 400, "BAD_REQUEST"],
    ];
    for (const [error, status, code] of cases) {
      const res = await failing(error);
      expect(res.status, code).toBe(status);
      expect(await res.json(), code).toMatchObject({ status, code });
    }
  });

  it("answers 500 without internals for a bug, and for an answer outside the output schema", async () => {
    const bug = defineRoute({
      name: "test.bug",
      maxBodyBytes: 0,
      handle: async () => {
        throw new Error("secret connection string postgres://x");
      },
    });
    const wrongShape = defineRoute({
      name: "test.shape",
      maxBodyBytes: 0,
      output: z.object({ ok: z.boolean() }),
      handle: async () => ({ ok: "yes" }) as unknown as { ok: boolean },
    });
    for (const route of [bug, wrongShape]) {
      const res = await route(new Request("http://localhost/x"));
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toMatch(/postgres|secret|yes/);
      expect(JSON.parse(text)).toMatchObject({ status: 500, requestId: expect.any(String) });
    }
  });

  it("hands raw routes a request whose body is the bytes read", async () => {
    const raw = defineRoute({
      name: "test.raw",
      maxBodyBytes: 64,
      handle: async ({ request }) => new Response(`got ${(await request.text()).length}`),
    });
    const res = await raw(post("y".repeat(64)));
    expect(await res.text()).toBe("got 64");
    expect((await raw(post("y".repeat(65)))).status).toBe(413);
  });
});
