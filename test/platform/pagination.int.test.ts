// Keyset pages over a nullable column, both ways: walking every page returns every row
// exactly once, in PostgreSQL's order (nulls last going up, first going down), and the
// in-memory pages of short lists agree with the database's. Before the fix, walking up
// by lastSeenAt never returned the devices not seen yet.
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { closeQueues } from "../../server/platform/jobs/queues";
import { keysetArgs, type PageQuery, pageInMemory, pageOf } from "../../server/platform/pagination";
import { createDeviceRows } from "../../testkit/factories/fleet-db";
import { callerFor, createOrgWithOwner } from "../../testkit/factories/identity";

afterAll(closeQueues);

async function devicesOrg() {
  const o = await createOrgWithOwner();
  const site = await callerFor(o.owner).site.create({ orgSlug: o.slug, name: "s" });
  const ids = await createDeviceRows(
    o.org.id,
    site.id,
    Array.from({ length: 9 }, (_, i) => ({ hostname: `box-${i}` })),
  );
  // Six seen (two at the same instant), three never seen.
  const seen = [0, 1, 2, 3, 3, 4].map((m) => new Date(Date.UTC(2026, 0, 1, 0, m)));
  await withScope(getDb(), { orgId: o.org.id }, async (tx) => {
    for (const [i, at] of seen.entries())
      await tx.device.update({ where: { id: ids[i], orgId: o.org.id }, data: { lastSeenAt: at } });
  });
  return { orgId: o.org.id };
}

async function walk(orgId: string, order: "asc" | "desc") {
  const seen: { id: string; lastSeenAt: Date | null }[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 20; pages++) {
    const q: PageQuery = { limit: 2, cursor, sort: "lastSeenAt", order };
    const { where, ...args } = keysetArgs(q, { nullable: true });
    const rows = await withScope(getDb(), { orgId }, (tx) =>
      tx.device.findMany({ where: { orgId, ...where }, ...args }),
    );
    const page = pageOf(rows, q, (r) => ({ id: r.id, lastSeenAt: r.lastSeenAt }));
    seen.push(...page.items);
    if (!page.next) return seen;
    cursor = page.next;
  }
  throw new Error("pages never ended");
}

describe("keyset pages over a nullable column", () => {
  it.each(["asc", "desc"] as const)("return every row once going %s", async (order) => {
    const { orgId } = await devicesOrg();
    const rows = await walk(orgId, order);
    expect(new Set(rows.map((r) => r.id)).size).toBe(9);
    expect(rows).toHaveLength(9);
    const nulls = rows.map((r) => r.lastSeenAt === null);
    expect(nulls).toEqual(
      order === "asc"
        ? [...Array(6).fill(false), true, true, true]
        : [true, true, true, ...Array(6).fill(false)],
    );
    // The in-memory pages of the same rows come in the same order.
    const inMemory: string[] = [];
    let cursor: string | undefined;
    do {
      const page = pageInMemory(rows, { limit: 4, cursor, sort: "lastSeenAt", order });
      inMemory.push(...page.items.map((r) => r.id));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(inMemory).toEqual(rows.map((r) => r.id));
  });
});
