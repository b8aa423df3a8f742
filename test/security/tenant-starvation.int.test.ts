// Class 2 of the hardening issue: no tenant can starve another. tRPC batches are capped,
// each signed-in user has a concurrency and rate budget, so one user's flood of maximal
// batches cannot take the database pool from another org, and the flood does not turn
// into a log of stack traces. Through the tRPC handler the portal mounts, over real
// PostgreSQL and Redis. Before the fix one user's batches held every pool connection and
// the other org's calls failed after Prisma's 2 s wait.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { trpcHandler } from "../../server/api/handlers";
import { TRPC_MAX_BATCH } from "../../server/api/shared";
import { createOrg } from "../../server/domains/identity/services/org/create-org";
import { getDb } from "../../server/platform/db/client";
import { env } from "../../server/platform/env";
import { USER_BUDGET } from "../../server/platform/http/user-budget";
import { closeQueues } from "../../server/platform/jobs/queues";
import { getRedis } from "../../server/platform/redis";
import { userPrincipal } from "../../server/platform/tenancy/principal";
import { signedInUser } from "../../testkit/factories/http-session";
import { uid } from "../../testkit/factories/identity";

afterAll(async () => {
  await closeQueues();
  await getRedis().quit();
});

interface Tenant {
  cookie: string;
  slug: string;
}

async function tenant(): Promise<Tenant> {
  const user = await signedInUser();
  const slug = `starve-${uid()}`;
  const actor = userPrincipal({ id: user.id, email: user.email, name: "U", emailVerified: true });
  await createOrg(getDb(), actor, { name: `Org ${slug}`, slug, kind: "standard" });
  return { cookie: user.cookie, slug };
}

/** A GET batch of `size` site.list calls, as the portal's client sends them. */
function batch(t: Tenant, size: number) {
  const paths = Array.from({ length: size }, () => "site.list").join(",");
  const input = Object.fromEntries(
    Array.from({ length: size }, (_, i) => [i, { json: { orgSlug: t.slug } }]),
  );
  const url = `${env.APP_URL}/api/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
  return trpcHandler(new Request(url, { headers: { cookie: t.cookie } }));
}

let attacker: Tenant;
let victim: Tenant;

beforeAll(async () => {
  [attacker, victim] = [await tenant(), await tenant()];
});

describe("one user's flood", () => {
  it("cannot send a batch over the cap", async () => {
    expect((await batch(victim, TRPC_MAX_BATCH)).status).toBe(200);
    const over = await batch(victim, TRPC_MAX_BATCH + 1);
    expect(over.status).toBe(400);
  });

  it("leaves another org's ordinary calls all succeeding", async () => {
    const logged = vi.spyOn(process.stdout, "write");
    const loggedErr = vi.spyOn(process.stderr, "write");
    let flooding = true;
    const attackerStatuses: number[] = [];
    const flood = async () => {
      while (flooding) attackerStatuses.push((await batch(attacker, TRPC_MAX_BATCH)).status);
    };
    // Many more maximal batches in flight than the pool has connections.
    const floods = Array.from({ length: 24 }, flood);
    const victimStatuses: number[] = [];
    try {
      // Wait until the flood is really on: every flooding loop has had an answer.
      await vi.waitUntil(() => attackerStatuses.length >= 24, { timeout: 60_000, interval: 20 });
      for (let i = 0; i < 30; i++) victimStatuses.push((await batch(victim, 1)).status);
    } finally {
      flooding = false;
      await Promise.all(floods);
    }
    const lines = [...logged.mock.calls, ...loggedErr.mock.calls].map((c) => String(c[0]));
    logged.mockRestore();
    loggedErr.mockRestore();
    expect(
      victimStatuses.every((s) => s === 200),
      JSON.stringify(victimStatuses),
    ).toBe(true);
    // 207: a batch whose calls had different answers (some refused).
    expect(attackerStatuses.some((s) => s === 429 || s === 207)).toBe(true);
    // A handful of warnings at most, never a stack trace per refused call.
    expect(lines.filter((l) => /\n\s+at /.test(l)).length).toBe(0);
    expect(lines.length).toBeLessThan(20);
  });

  it("is refused past its rate budget, and another user is not", async () => {
    const heavy = await tenant();
    let refused: Response | undefined;
    for (let sent = 0; sent <= USER_BUDGET.callsPerWindow + TRPC_MAX_BATCH && !refused; ) {
      const res = await batch(heavy, TRPC_MAX_BATCH);
      sent += TRPC_MAX_BATCH;
      if (res.status === 429) refused = res;
    }
    expect(refused?.status).toBe(429);
    const body = (await refused!.json()) as { error?: { message?: string } }[];
    expect(JSON.stringify(body)).toMatch(/Too many requests/);
    expect((await batch(victim, 1)).status).toBe(200);
  });
});

describe("one session's flood of single calls", () => {
  it("is refused past its lanes (session lookup, then budget), while others go on", async () => {
    const flood = Array.from({ length: 200 }, () =>
      trpcHandler(
        new Request(`${env.APP_URL}/api/trpc/org.list`, { headers: { cookie: attacker.cookie } }),
      ),
    );
    const victimStatuses: number[] = [];
    for (let i = 0; i < 5; i++) victimStatuses.push((await batch(victim, 1)).status);
    const statuses = (await Promise.all(flood)).map((r) => r.status);
    expect(victimStatuses.every((s) => s === 200)).toBe(true);
    // Beyond the running and waiting places, calls are refused outright, not queued.
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 429 || s === 200)).toBe(true);
  });
});
