// Lists count and filter on the server: `total` is the number of rows matching the filters
// (the same on every page), the new filters narrow, and walking pages sorted on a column
// full of ties returns every row exactly once, in either order.
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { closeQueues } from "../../server/platform/jobs/queues";
import { createDeviceRows } from "../../testkit/factories/fleet-db";
import { callerFor, createOrgWithOwner } from "../../testkit/factories/identity";

afterAll(closeQueues);

type Caller = ReturnType<typeof callerFor>;

/** Every page of a list, its items and the totals each page gave. */
async function walk<T extends { id: string }>(
  list: (cursor?: string) => Promise<{ items: T[]; next: string | null; total?: number }>,
) {
  const items: T[] = [];
  const totals = new Set<number | undefined>();
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const p = await list(cursor);
    items.push(...p.items);
    totals.add(p.total);
    if (!p.next) return { items, totals: [...totals] };
    cursor = p.next;
  }
  throw new Error("pages never ended");
}

async function orgWithSites(names: string[]) {
  const o = await createOrgWithOwner();
  const caller = callerFor(o.owner);
  const ids: string[] = [];
  for (const name of names) ids.push((await caller.site.create({ orgSlug: o.slug, name })).id);
  return { ...o, caller, ids };
}

describe("list totals", () => {
  it("sites: total counts the matches of q, on every page", async () => {
    const names = Array.from({ length: 7 }, (_, i) => `branch-${i}`).concat(["hq", "lab"]);
    const { slug, caller } = await orgWithSites(names);
    const all = await walk((cursor) => caller.site.list({ orgSlug: slug, limit: 2, cursor }));
    expect(all.totals).toEqual([9]);
    expect(all.items).toHaveLength(9);
    const some = await walk((cursor) =>
      caller.site.list({ orgSlug: slug, limit: 3, cursor, q: "BRANCH", order: "desc" }),
    );
    expect(some.totals).toEqual([7]);
    expect(some.items.map((s) => s.name)).toEqual(names.slice(0, 7).reverse());
  });

  it("sites sorted by a column of ties: every row once, both ways", async () => {
    const { slug, caller, org } = await orgWithSites(["a", "b", "c", "d", "e", "f", "g"]);
    // Every site created at the same instant: the order is the id's alone.
    await withScope(getDb(), { orgId: org.id }, (tx) =>
      tx.site.updateMany({ where: { orgId: org.id }, data: { createdAt: new Date(0) } }),
    );
    for (const order of ["asc", "desc"] as const) {
      const { items } = await walk((cursor) =>
        caller.site.list({ orgSlug: slug, limit: 2, cursor, sort: "createdAt", order }),
      );
      const ids = items.map((s) => s.id);
      expect(new Set(ids).size).toBe(7);
      expect(ids).toEqual([...ids].sort((x, y) => (order === "asc" ? 1 : -1) * (x < y ? -1 : 1)));
    }
  });

  it("devices: q, inSync and lastSeenAt sorting, with totals", async () => {
    const { slug, caller, org, ids } = await orgWithSites(["s"]);
    const siteId = ids[0] as string;
    const devices = await createDeviceRows(org.id, siteId, [
      ...Array.from({ length: 6 }, (_, i) => ({ hostname: `edge-${i}` })),
      { hostname: "core-1", status: "pending" as const },
    ]);
    await withScope(getDb(), { orgId: org.id }, async (tx) => {
      // Two behind their desired revision; three seen at the same instant.
      await tx.device.updateMany({
        where: { orgId: org.id, id: { in: devices.slice(0, 2) } },
        data: { desiredRevision: 3, reportedRevision: 2 },
      });
      await tx.device.updateMany({
        where: { orgId: org.id, id: { in: devices.slice(2, 5) } },
        data: { lastSeenAt: new Date(Date.UTC(2026, 0, 1)) },
      });
    });
    const list = (input: Omit<Parameters<Caller["device"]["list"]>[0], "orgSlug">) =>
      walk((cursor) => caller.device.list({ orgSlug: slug, limit: 2, cursor, ...input }));
    expect((await list({ q: "EDGE" })).totals).toEqual([6]);
    const synced = await list({ inSync: true });
    expect(synced.totals).toEqual([4]);
    expect(synced.items.every((d) => d.inSync)).toBe(true);
    const behind = await list({ inSync: false });
    expect(behind.totals).toEqual([3]);
    expect(behind.items.map((d) => d.hostname).sort()).toEqual(["core-1", "edge-0", "edge-1"]);
    for (const order of ["asc", "desc"] as const) {
      const seen = await list({ sort: "lastSeenAt", order });
      expect(new Set(seen.items.map((d) => d.id)).size).toBe(7);
      expect(seen.totals).toEqual([7]);
    }
  });

  it("members, rules, rollouts, audit and incidents answer a total", async () => {
    const { slug, caller, owner } = await orgWithSites(["hq"]);
    const members = await caller.member.list({ orgSlug: slug, q: owner.email.toUpperCase() });
    expect(members.total).toBe(1);
    expect((await caller.member.list({ orgSlug: slug, role: "viewer" })).total).toBe(0);

    for (const [i, action] of (["allow", "deny", "deny"] as const).entries())
      await caller.policy.create({
        orgSlug: slug,
        siteId: null,
        priority: 100 + i,
        action,
        src: `10.0.${i}.0/24`,
        dst: "0.0.0.0/0",
        proto: "any",
        description: i === 2 ? "Block the printers" : "",
      });
    expect((await caller.policy.list({ orgSlug: slug })).total).toBe(3);
    expect((await caller.policy.list({ orgSlug: slug, action: "deny" })).total).toBe(2);
    const printers = await caller.policy.list({ orgSlug: slug, q: "printer" });
    expect(printers.items.map((r) => r.priority)).toEqual([102]);
    expect((await caller.policy.list({ orgSlug: slug, q: "10.0.1." })).total).toBe(1);

    const rollouts = await caller.rollout.list({ orgSlug: slug });
    expect(rollouts.total).toBe(rollouts.items.length);
    expect((await caller.rollout.list({ orgSlug: slug, status: "halted" })).total).toBe(0);

    const audit = await walk((cursor) => caller.audit.list({ orgSlug: slug, limit: 2, cursor }));
    expect(audit.totals).toHaveLength(1);
    expect(audit.items).toHaveLength(audit.totals[0] as number);
    const byOwner = await caller.audit.list({ orgSlug: slug, actor: owner.email.slice(0, 5) });
    expect(byOwner.total).toBeGreaterThan(0);
    expect(byOwner.items.every((e) => e.actorEmail === owner.email)).toBe(true);
    expect((await caller.audit.list({ orgSlug: slug, actor: "nobody@x" })).total).toBe(0);

    expect((await caller.overlay.incidents({ orgSlug: slug, kind: "failover" })).total).toBe(0);
  });
});
