// The audit log over REST: keyset pages newest first (entries of the same instant neither
// skipped nor repeated), filters by action, actor kind, target and time, 400 for a bad
// filter, 404 for another org's key and 403 for a key without audit.read.
import { describe, expect, it } from "vitest";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { allPages, apiOrg, useApiServer } from "../../testkit/api-server";

const { call } = useApiServer();

type Entry = { id: string; action: string; actorKind: string | null; targetId: string | null };

const DAY = "since=2020-01-01T00:00:00Z&until=2020-01-02T00:00:00Z";
const at = (minute: number) => new Date(Date.UTC(2020, 0, 1, 0, minute));

/** `count` entries on 2020-01-01, one a minute (or all at once with `sameInstant`). */
async function seed(orgId: string, count: number, o: { sameInstant?: boolean } = {}) {
  await withScope(getDb(), { orgId }, (tx) =>
    tx.auditLog.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        orgId,
        actorKind: i % 2 ? "apiKey" : "user",
        actorId: `actor-${i}`,
        action: i % 3 ? "site.update" : "site.create",
        targetType: i % 4 ? "site" : "policy",
        targetId: `t-${i % 2}`,
        after: { i },
        createdAt: o.sameInstant ? at(0) : at(i),
      })),
    }),
  );
}

const index = (e: { after?: unknown }) => (e.after as { i: number }).i;

describe("the audit log over REST", () => {
  it("pages newest first across every page, or oldest first when asked", async () => {
    const o = await apiOrg();
    await seed(o.org.id, 7);
    const path = `/orgs/${o.slug}/audit-log?${DAY}`;
    const newest = await allPages<Entry & { after: unknown }>(call, o.token, path, 3);
    expect(newest.pages).toBe(3);
    expect(newest.items.map(index)).toEqual([6, 5, 4, 3, 2, 1, 0]);
    const oldest = await allPages<Entry & { after: unknown }>(
      call,
      o.token,
      `${path}&order=asc`,
      3,
    );
    expect(oldest.items.map(index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("neither skips nor repeats entries of the same instant", async () => {
    const o = await apiOrg();
    await seed(o.org.id, 5, { sameInstant: true });
    const all = await allPages<Entry>(call, o.token, `/orgs/${o.slug}/audit-log?${DAY}`, 1);
    expect(all.pages).toBe(5);
    expect(new Set(all.items.map((e) => e.id)).size).toBe(5);
  });

  it("filters by action, actor kind, target and time", async () => {
    const o = await apiOrg();
    await seed(o.org.id, 12);
    const indices = async (query: string) =>
      (
        await allPages<Entry & { after: unknown }>(
          call,
          o.token,
          `/orgs/${o.slug}/audit-log?${query}`,
          50,
        )
      ).items
        .map(index)
        .sort((x, y) => x - y);
    expect(await indices(`${DAY}&action=site.create`)).toEqual([0, 3, 6, 9]);
    expect(await indices(`${DAY}&actorKind=apiKey`)).toEqual([1, 3, 5, 7, 9, 11]);
    expect(await indices(`${DAY}&targetType=policy`)).toEqual([0, 4, 8]);
    expect(await indices(`${DAY}&targetId=t-0&targetType=site`)).toEqual([2, 6, 10]);
    const window = "since=2020-01-01T00:03:00Z&until=2020-01-01T00:06:00%2B00:00";
    expect(await indices(window)).toEqual([3, 4, 5]);
    expect(await indices("until=2020-01-01T00:00:00Z")).toEqual([]);

    // What a key does is logged as the key's.
    const created = await call(o.token, "POST", `/orgs/${o.slug}/sites`, { name: "by key" });
    const { id } = (await created.json()) as { id: string };
    const mine = await allPages<Entry>(
      call,
      o.token,
      `/orgs/${o.slug}/audit-log?actorKind=apiKey&action=site.create&targetId=${id}`,
      50,
    );
    expect(mine.items).toHaveLength(1);
  });

  it("answers 400 for a bad filter or page, never 500", async () => {
    const o = await apiOrg();
    for (const query of [
      "since=yesterday",
      "until=2020-13-01T00:00:00Z",
      "actorKind=robot",
      "sort=action",
      "limit=abc",
      "cursor=eyJub3QiOiJhIGN1cnNvciJ9",
      `targetId=${"x".repeat(65)}`,
    ]) {
      const res = await call(o.token, "GET", `/orgs/${o.slug}/audit-log?${query}`);
      expect(res.status, query).toBe(400);
    }
  });

  it("is 404 to another org's key and 403 to a key without audit.read", async () => {
    const a = await apiOrg();
    const b = await apiOrg();
    expect((await call(b.token, "GET", `/orgs/${a.slug}/audit-log`)).status).toBe(404);
    const blind = await apiOrg({ scopes: ["site.read"] });
    expect((await call(blind.token, "GET", `/orgs/${blind.slug}/audit-log`)).status).toBe(403);
  });
});
