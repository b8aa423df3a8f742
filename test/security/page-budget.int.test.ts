// A server-rendered page costs its user one call of the rate budget, however many
// procedures its server components read; the user's own calls each cost one. Before this,
// every procedure a page read counted: a user clicking through the portal's pages spent
// ~15 calls a page and met the 600-a-minute budget (the CSP journey did, and its page
// rendered Next's error page). Over real PostgreSQL and Redis, with the budget lowered.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../../server/api/context";
import { createCaller } from "../../server/api/root";
import { chargePageRender } from "../../server/api/trpc";
import { createOrg } from "../../server/domains/identity/services/org/create-org";
import { getDb } from "../../server/platform/db/client";
import { USER_BUDGET } from "../../server/platform/http/user-budget";
import { closeQueues } from "../../server/platform/jobs/queues";
import { getRedis, redisKey } from "../../server/platform/redis";
import { userPrincipal } from "../../server/platform/tenancy/principal";
import { signedInUser } from "../../testkit/factories/http-session";
import { uid } from "../../testkit/factories/identity";

const BUDGET = 5;
const before = USER_BUDGET.callsPerWindow;
let cookie: string;
let userId: string;
let orgSlug: string;

beforeAll(async () => {
  const user = await signedInUser();
  cookie = user.cookie;
  userId = user.id;
  orgSlug = `page-budget-${uid()}`;
  const actor = userPrincipal({ id: user.id, email: user.email, name: "U", emailVerified: true });
  await createOrg(getDb(), actor, { name: "Page budget", slug: orgSlug, kind: "standard" });
});

afterEach(() => {
  USER_BUDGET.callsPerWindow = before;
});

afterAll(async () => {
  await closeQueues();
  await getRedis().quit();
});

/** A fresh budget window for this test's user. */
async function resetBudget() {
  await getRedis().del(redisKey("budget", `user:${userId}`));
}

/** What app/_trpc/server.ts does for one page request. */
async function renderPage(reads: number) {
  const ctx = await createContext(new Headers({ cookie }));
  await chargePageRender(ctx);
  const caller = createCaller({ ...ctx, pageRender: true });
  for (let i = 0; i < reads; i++) await caller.site.list({ orgSlug });
}

describe("the per-user rate budget", () => {
  it("counts a page render once, not once per procedure it reads", async () => {
    await resetBudget();
    USER_BUDGET.callsPerWindow = BUDGET;
    // One page reading three times the budget's worth of procedures.
    await expect(renderPage(BUDGET * 3)).resolves.toBeUndefined();
    // The rest of the budget: BUDGET - 1 more pages.
    for (let i = 1; i < BUDGET; i++) await renderPage(2);
    // The page past the budget is refused as a call would be.
    await expect(renderPage(1)).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
  });

  it("still counts each of the client's own calls", async () => {
    await resetBudget();
    USER_BUDGET.callsPerWindow = BUDGET;
    const caller = createCaller(await createContext(new Headers({ cookie })));
    for (let i = 0; i < BUDGET; i++) await caller.site.list({ orgSlug });
    await expect(caller.site.list({ orgSlug })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
    });
  });

  it("does not let a client mark its own calls as a page's", async () => {
    // pageRender is set only by the server-component caller; the HTTP handler builds its
    // context through createContext, which never sets it.
    const ctx = await createContext(new Headers({ cookie, "x-page-render": "1" }));
    expect(ctx.pageRender).toBeUndefined();
  });
});
