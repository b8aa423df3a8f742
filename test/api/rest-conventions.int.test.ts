// The REST API's conventions over a real HTTP server: ETag and If-None-Match on reads,
// If-Match on changes (412 for a stale one, also between two racing changes),
// Idempotency-Key on creates (a replay answers the first answer, another body is 409), the
// plan's rate limits (429 with Retry-After and RateLimit headers), request ids,
// problem+json, JSON-only bodies and the body limit.
import "../../testkit/stripe-env";
import { describe, expect, it } from "vitest";
import { REST_MAX_BODY } from "../../server/api/rest/handler";
import { apiOrg, setApiRate, useApiServer } from "../../testkit/api-server";

const server = useApiServer();

function client(token: string) {
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
}

async function siteOf(call: ReturnType<typeof client>, slug: string) {
  const res = await call("POST", `/orgs/${slug}/sites`, { name: "etag site" });
  return ((await res.json()) as { id: string }).id;
}

describe("ETag and If-Match", () => {
  it("answers reads with an ETag, and 304 to If-None-Match while unchanged", async () => {
    const a = await apiOrg();
    const call = client(a.token);
    const id = await siteOf(call, a.slug);
    const read = await call("GET", `/orgs/${a.slug}/sites/${id}`);
    const etag = read.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await call("GET", `/orgs/${a.slug}/sites/${id}`, undefined, {
      "if-none-match": etag,
    });
    expect(again.status).toBe(304);
    await call("PATCH", `/orgs/${a.slug}/sites/${id}`, { description: "changed" });
    const changed = await call("GET", `/orgs/${a.slug}/sites/${id}`, undefined, {
      "if-none-match": etag,
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
  });

  it("refuses a change made from a stale read with 412, and takes a current one", async () => {
    const a = await apiOrg();
    const call = client(a.token);
    const id = await siteOf(call, a.slug);
    const etag = (await call("GET", `/orgs/${a.slug}/sites/${id}`)).headers.get("etag")!;
    const first = await call(
      "PATCH",
      `/orgs/${a.slug}/sites/${id}`,
      { description: "mine" },
      {
        "if-match": etag,
      },
    );
    expect(first.status).toBe(200);
    const stale = await call(
      "PATCH",
      `/orgs/${a.slug}/sites/${id}`,
      { description: "theirs" },
      {
        "if-match": etag,
      },
    );
    expect(stale.status).toBe(412);
    expect(stale.headers.get("content-type")).toBe("application/problem+json");
    const gone = await call("DELETE", `/orgs/${a.slug}/sites/${id}`, undefined, {
      "if-match": etag,
    });
    expect(gone.status).toBe(412);
    const fresh = (await call("GET", `/orgs/${a.slug}/sites/${id}`)).headers.get("etag")!;
    const site = (await (await call("GET", `/orgs/${a.slug}/sites/${id}`)).json()) as {
      description: string;
    };
    expect(site.description).toBe("mine");
    expect(
      (await call("DELETE", `/orgs/${a.slug}/sites/${id}`, undefined, { "if-match": fresh }))
        .status,
    ).toBe(204);
  });

  it("lets only one of two racing changes from the same read through", async () => {
    const a = await apiOrg();
    const call = client(a.token);
    const id = await siteOf(call, a.slug);
    const etag = (await call("GET", `/orgs/${a.slug}/sites/${id}`)).headers.get("etag")!;
    const statuses = await Promise.all(
      ["one", "two", "three"].map(async (d) => {
        const res = await call(
          "PATCH",
          `/orgs/${a.slug}/sites/${id}`,
          { description: d },
          {
            "if-match": etag,
          },
        );
        return res.status;
      }),
    );
    expect(statuses.sort()).toEqual([200, 412, 412]);
  });
});

describe("Idempotency-Key", () => {
  it("replays the first answer, refuses another body, and creates once", async () => {
    const a = await apiOrg();
    const call = client(a.token);
    const key = { "idempotency-key": `create-${a.slug}` };
    const first = await call("POST", `/orgs/${a.slug}/sites`, { name: "once" }, key);
    expect(first.status).toBe(201);
    const body = await first.text();
    const replay = await call("POST", `/orgs/${a.slug}/sites`, { name: "once" }, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.text()).toBe(body);
    const other = await call("POST", `/orgs/${a.slug}/sites`, { name: "other" }, key);
    expect(other.status).toBe(409);
    const list = (await (await call("GET", `/orgs/${a.slug}/sites`)).json()) as {
      items: unknown[];
    };
    expect(list.items).toHaveLength(1);
  });

  it("runs racing retries of one create once", async () => {
    const a = await apiOrg();
    const call = client(a.token);
    const key = { "idempotency-key": `race-${a.slug}` };
    const statuses = await Promise.all(
      [1, 2, 3].map(
        async () => (await call("POST", `/orgs/${a.slug}/sites`, { name: "r" }, key)).status,
      ),
    );
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const list = (await (await call("GET", `/orgs/${a.slug}/sites`)).json()) as {
      items: unknown[];
    };
    expect(list.items).toHaveLength(1);
  });

  it("keeps keys apart per caller, and frees a key whose create failed", async () => {
    const a = await apiOrg();
    const b = await apiOrg();
    const key = { "idempotency-key": "shared-key-name" };
    expect(
      (await client(a.token)("POST", `/orgs/${a.slug}/sites`, { name: "x" }, key)).status,
    ).toBe(201);
    expect(
      (await client(b.token)("POST", `/orgs/${b.slug}/sites`, { name: "y" }, key)).status,
    ).toBe(201);
    const call = client(a.token);
    const failed = { "idempotency-key": "fails-first" };
    expect((await call("POST", `/orgs/${a.slug}/sites`, { name: "" }, failed)).status).toBe(400);
    expect((await call("POST", `/orgs/${a.slug}/sites`, { name: "" }, failed)).status).toBe(400);
    expect(
      (
        await call(
          "POST",
          `/orgs/${a.slug}/sites`,
          { name: "ok" },
          {
            "idempotency-key": "k".repeat(256),
          },
        )
      ).status,
    ).toBe(400);
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After and RateLimit headers past the plan's rate", async () => {
    const a = await apiOrg();
    await setApiRate(a.org.id, { perKey: 3, perOrg: 100 });
    const call = client(a.token);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call("GET", `/orgs/${a.slug}/sites`));
    expect(answers.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(answers[0]!.headers.get("ratelimit-policy")).toContain('"key";q=3;w=60');
    expect(answers[0]!.headers.get("ratelimit")).toMatch(/^"key";r=2;t=\d+$/);
    const refused = answers[3]!;
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await refused.json()) as { code: string }).code).toBe("TOO_MANY_REQUESTS");
  });
});

describe("problems", () => {
  it("name the field a service refused, as a schema's 400 does", async () => {
    const a = await apiOrg();
    const call = client(a.token);
    expect((await call("POST", `/orgs/${a.slug}/sites`, { name: "twin" })).status).toBe(201);
    const again = await call("POST", `/orgs/${a.slug}/sites`, { name: "twin" });
    expect(again.status).toBe(409);
    const problem = (await again.json()) as { code: string; errors?: { path: string }[] };
    expect(problem.code).toBe("CONFLICT");
    expect(problem.errors?.map((e) => e.path)).toEqual(["name"]);
  });
});

describe("requests", () => {
  it("carries a request id, refuses non-JSON bodies and bodies over the limit", async () => {
    const a = await apiOrg();
    const res = await fetch(`${server.url}/api/v1/orgs/${a.slug}/sites`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${a.token}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "name=form",
    });
    expect(res.status).toBe(415);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const big = await client(a.token)("POST", `/orgs/${a.slug}/sites`, {
      name: "big",
      description: "x".repeat(REST_MAX_BODY),
    });
    expect(big.status).toBe(413);
    const given = await client(a.token)("GET", `/orgs/${a.slug}/sites`, undefined, {
      "x-request-id": "my-request-0001",
    });
    expect(given.headers.get("x-request-id")).toBe("my-request-0001");
  });

  it("refuses a cookie caller from another origin, and answers the document and docs", async () => {
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(Object.keys(doc.paths)).toContain("/orgs/{orgSlug}/sites/{siteId}");
    const docs = await fetch(`${server.url}/api/v1/docs`);
    expect(docs.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const bundle = await fetch(`${server.url}/api/v1/docs/swagger-ui-bundle.js`);
    expect(bundle.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect((await fetch(`${server.url}/api/v1/docs/../../etc/passwd`)).status).not.toBe(200);
    const forged = await fetch(`${server.url}/api/v1/orgs/x/sites`, {
      method: "POST",
      headers: {
        cookie: "better-auth.session_token=x",
        origin: "https://evil.example",
        "content-type": "application/json",
      },
      body: "{}",
    });
    expect(forged.status).toBe(403);
  });
});
