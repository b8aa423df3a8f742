// The TypeScript SDK against the real REST API on loopback (real PostgreSQL and Redis):
// every page of a list, a create whose answer is lost and retried without a duplicate,
// and the typed errors of 400, 401, 403, 404 and 412.
import { beforeAll, describe, expect, it } from "vitest";
import {
  createPatronus,
  ForbiddenError,
  NotFoundError,
  PatronusError,
  PreconditionFailedError,
  paginate,
  UnauthorizedError,
  ValidationError,
} from "../../sdk/typescript/src/index";
import { apiOrg, useApiServer } from "../../testkit/api-server";

const server = useApiServer();
let org: Awaited<ReturnType<typeof apiOrg>>;
beforeAll(async () => {
  org = await apiOrg({ sites: 120 });
});

const sdk = (apiKey = org.token, fetch?: typeof globalThis.fetch) =>
  createPatronus({ baseUrl: server.url, apiKey, fetch, retries: { baseDelayMs: 1 } });

/** Every error of `call`, or a failure when it succeeds. */
async function failureOf(call: () => Promise<unknown>): Promise<PatronusError> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PatronusError);
  return error as PatronusError;
}

describe("the TypeScript SDK", () => {
  it("pages through every site of the org", async () => {
    const patronus = sdk();
    const orgSlug = org.slug;
    const names: string[] = [];
    for await (const site of paginate((cursor) =>
      patronus.GET("/orgs/{orgSlug}/sites", {
        params: { path: { orgSlug }, query: { cursor, limit: 25 } },
      }),
    ))
      names.push(site.name);
    expect(names).toHaveLength(120);
    expect(new Set(names).size).toBe(120);
    expect(names[0]).toBe("site-00000");
    expect(names.at(-1)).toBe("site-00119");
  });

  it("retries a create whose answer was lost with the same Idempotency-Key: one site", async () => {
    const a = await apiOrg();
    const sent: { method: string; key: string | null }[] = [];
    const answers: Response[] = [];
    // The API handles the first POST, then its answer is "lost" on the way back.
    const lossy = async (request: Request, init?: RequestInit) => {
      sent.push({ method: request.method, key: request.headers.get("idempotency-key") });
      const response = await fetch(request, init);
      if (request.method === "POST" && sent.length === 1) {
        expect(response.status).toBe(201);
        await response.arrayBuffer();
        throw new TypeError("fetch failed: the connection was reset (simulated)");
      }
      answers.push(response);
      return response;
    };
    const patronus = sdk(a.token, lossy as typeof fetch);
    const { data } = await patronus.POST("/orgs/{orgSlug}/sites", {
      params: { path: { orgSlug: a.slug } },
      body: { name: "branch office" },
    });
    expect(sent).toHaveLength(2);
    expect(sent[0]?.key).toMatch(/^[\w-]{16,}$/);
    expect(sent[1]?.key).toBe(sent[0]?.key);
    expect(answers[0]?.headers.get("idempotent-replayed")).toBe("true");

    const list = await sdk(a.token).GET("/orgs/{orgSlug}/sites", {
      params: { path: { orgSlug: a.slug } },
    });
    expect(list.data.items.map((s) => [s.id, s.name])).toEqual([[data.id, "branch office"]]);
  });

  it("throws NotFoundError for another org's or a missing object, with the request id", async () => {
    const other = await apiOrg({ sites: 1 });
    const patronus = sdk();
    const missing = await failureOf(() =>
      patronus.GET("/orgs/{orgSlug}/sites/{siteId}", {
        params: { path: { orgSlug: org.slug, siteId: "site_missing" } },
      }),
    );
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: "NOT_FOUND" });
    expect(missing.requestId).toMatch(/\S{8,}/);
    const elsewhere = await failureOf(() =>
      patronus.GET("/orgs/{orgSlug}/sites", { params: { path: { orgSlug: other.slug } } }),
    );
    expect(elsewhere).toBeInstanceOf(NotFoundError);
  });

  it("throws ForbiddenError for a read-only key's write and UnauthorizedError for a bad key", async () => {
    const readOnly = await apiOrg({ scopes: ["site.read"] });
    const refused = await failureOf(() =>
      sdk(readOnly.token).POST("/orgs/{orgSlug}/sites", {
        params: { path: { orgSlug: readOnly.slug } },
        body: { name: "nope" },
      }),
    );
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect(refused).toMatchObject({ status: 403, code: "FORBIDDEN" });

    const bad = await failureOf(() =>
      sdk(`${org.token.slice(0, -4)}AAAA`).GET("/orgs/{orgSlug}/sites", {
        params: { path: { orgSlug: org.slug } },
      }),
    );
    expect(bad).toBeInstanceOf(UnauthorizedError);
    expect(bad.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("throws ValidationError naming the field at fault", async () => {
    const invalid = await failureOf(() =>
      sdk().POST("/orgs/{orgSlug}/sites", {
        params: { path: { orgSlug: org.slug } },
        body: { name: "" },
      }),
    );
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid.status).toBe(400);
    expect(invalid.errors.map((e) => e.path)).toContain("name");
  });

  it("throws PreconditionFailedError for a PATCH with a stale If-Match", async () => {
    const patronus = sdk();
    const { data: created } = await patronus.POST("/orgs/{orgSlug}/sites", {
      params: { path: { orgSlug: org.slug } },
      body: { name: "etag site" },
    });
    const path = { orgSlug: org.slug, siteId: created.id };
    const read = await patronus.GET("/orgs/{orgSlug}/sites/{siteId}", { params: { path } });
    const etag = read.response.headers.get("etag");
    expect(etag).toMatch(/^"/);
    await patronus.PATCH("/orgs/{orgSlug}/sites/{siteId}", {
      params: { path, header: { "If-Match": etag! } },
      body: { description: "first change" },
    });
    const stale = await failureOf(() =>
      patronus.PATCH("/orgs/{orgSlug}/sites/{siteId}", {
        params: { path, header: { "If-Match": etag! } },
        body: { description: "second change, from the stale read" },
      }),
    );
    expect(stale).toBeInstanceOf(PreconditionFailedError);
    expect(stale.status).toBe(412);
  });
});
