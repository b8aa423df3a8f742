// Class 13 of the hardening issue (first half): a tRPC call from a browser on another
// origin is refused before any procedure runs, through the handler the portal mounts.
// Before the fix it reached the procedures.
import { afterAll, describe, expect, it } from "vitest";
import { trpcHandler } from "../../server/api/handlers";
import { env } from "../../server/platform/env";
import { closeQueues } from "../../server/platform/jobs/queues";

afterAll(closeQueues);

const mutation = (origin: string | null) =>
  trpcHandler(
    new Request(`${env.APP_URL}/api/trpc/org.create`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(origin === null ? {} : { origin }),
      },
      body: JSON.stringify({ json: { name: "Evil", slug: "evil-org" } }),
    }),
  );

describe("tRPC and the request's origin", () => {
  it.each([
    ["another site", "https://evil.example"],
    ["the app's host on another port", "http://localhost:1"],
    ["an opaque origin", "null"],
  ])("refuses a mutation from %s with 403", async (_name, origin) => {
    const res = await mutation(origin);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ status: 403, code: "FORBIDDEN" });
  });

  it.each(["cross-site", "same-site"])(
    "refuses a browser's mutation marked Sec-Fetch-Site: %s even without an Origin",
    async (site) => {
      const res = await trpcHandler(
        new Request(`${env.APP_URL}/api/trpc/org.create`, {
          method: "POST",
          headers: { "content-type": "application/json", "sec-fetch-site": site },
          body: JSON.stringify({ json: { name: "Evil", slug: "evil-org" } }),
        }),
      );
      expect(res.status).toBe(403);
    },
  );

  it("lets the app's own origin and clients without an Origin reach the procedures", async () => {
    // No session: the procedure's own answer (401) shows the request got through.
    for (const origin of [new URL(env.APP_URL).origin, null])
      expect((await mutation(origin)).status, String(origin)).toBe(401);
  });
});
