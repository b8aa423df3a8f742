// The assets table's row-level security: a tenant transaction sees its own org's rows only;
// the public route's exception (app.asset_id) reads the one row it names, and writes none.
import { describe, expect, it } from "vitest";
import { storeImage } from "../../../server/platform/assets";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { databaseStore, setBlobStore } from "../../../server/platform/storage";
import { createOrgWithOwner } from "../../../testkit/factories/identity";
import { png } from "../images/build-images";

describe("assets row-level security", () => {
  it("keeps org A's assets from org B's tenant transaction", async () => {
    setBlobStore(databaseStore(getDb()));
    const a = await createOrgWithOwner();
    const b = await createOrgWithOwner();
    const mine = await withScope(getDb(), { orgId: a.org.id }, (tx) =>
      storeImage(tx, a.org.id, "logo", png(20, 20)),
    );
    await withScope(getDb(), { orgId: b.org.id }, async (tx) => {
      expect(await tx.asset.findMany({ where: { orgId: a.org.id } })).toEqual([]);
      expect(await tx.asset.findFirst({ where: { orgId: b.org.id, id: mine.id } })).toBeNull();
      const raw = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM assets WHERE id = ${mine.id}`;
      expect(raw).toEqual([]);
      const writes = await tx.$executeRaw`UPDATE assets SET slot = 'favicon' WHERE id = ${mine.id}`;
      expect(writes).toBe(0);
    });
    // Even naming the id (the public route's key) gives B no write, and no other row.
    await withScope(getDb(), { orgId: b.org.id }, async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.asset_id', ${mine.id}, true)`;
      expect(await tx.$executeRaw`DELETE FROM assets WHERE id = ${mine.id}`).toBe(0);
      expect(await tx.$executeRaw`UPDATE assets SET slot = 'x' WHERE id = ${mine.id}`).toBe(0);
      const other = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM assets`;
      expect(other.map((r) => r.id)).toEqual([mine.id]);
    });
    // A transaction that sets nothing sees nothing.
    const none = await getDb().$transaction((tx) => tx.$queryRaw<unknown[]>`SELECT id FROM assets`);
    expect(none).toEqual([]);
    const own = await withScope(getDb(), { orgId: a.org.id }, (tx) =>
      tx.asset.findMany({ where: { orgId: a.org.id } }),
    );
    expect(own.map((r) => r.id)).toEqual([mine.id]);
  });
});
