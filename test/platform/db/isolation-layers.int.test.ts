import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { getDb, Prisma } from "../../../server/platform/db/client";
import { TenantGuardError } from "../../../server/platform/db/tenant-guard";
import { GLOBAL_MODELS, PUBLIC_ORG_TABLES } from "../../../server/platform/db/tenant-models";
import { withScope } from "../../../server/platform/db/with-tenant";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { callerFor, createOrgWithOwner } from "../../../testkit/factories/identity";

afterAll(closeQueues);

describe("layer 2: the Prisma tenant guard", () => {
  it("throws on a tenant-owned query without orgId, before reaching the database", async () => {
    await expect(getDb().auditLog.findMany({})).rejects.toThrow(TenantGuardError);
    await expect(getDb().membership.count({ where: { role: "owner" } })).rejects.toThrow(
      TenantGuardError,
    );
  });

  it("guards every model but the global ones, and each guarded model has an orgId", async () => {
    const models = Object.values(Prisma.ModelName) as string[];
    expect(models).toEqual(expect.arrayContaining(Object.keys(GLOBAL_MODELS)));
    const db = getDb() as unknown as Record<string, { findFirst(a: unknown): Promise<unknown> }>;
    await withScope(getDb(), { orgId: "no-such-org" }, async (tx) => {
      const scoped = tx as unknown as typeof db;
      for (const model of models.filter((m) => !(m in GLOBAL_MODELS))) {
        const delegate = `${model.charAt(0).toLowerCase()}${model.slice(1)}`;
        await expect(db[delegate]!.findFirst({}), model).rejects.toThrow(TenantGuardError);
        // A model without orgId would fail Prisma's validation here.
        expect(await scoped[delegate]!.findFirst({ where: { orgId: "no-such-org" } })).toBeNull();
      }
    });
  });
});

describe("layer 3: PostgreSQL row-level security", () => {
  it("shows nothing outside a scoped transaction, even with an explicit orgId", async () => {
    const { org } = await createOrgWithOwner();
    const rows = await getDb().auditLog.findMany({ where: { orgId: org.id } });
    expect(rows).toEqual([]);
  });

  it("shows only the scoped org's rows when a filter is missed in raw SQL", async () => {
    const a = await createOrgWithOwner();
    const b = await createOrgWithOwner();
    // Raw SQL bypasses the guard on purpose: this is the "forgotten filter" bug.
    const seen = await withScope(
      getDb(),
      { orgId: a.org.id },
      (tx) => tx.$queryRaw<{ orgId: string }[]>`SELECT "orgId" FROM audit_logs`,
    );
    const orgIds = new Set(seen.map((r) => r.orgId));
    expect(orgIds.has(a.org.id)).toBe(true);
    expect(orgIds.has(b.org.id)).toBe(false);
    expect(orgIds.size).toBe(1);
  });

  it("refuses to write a row into another org", async () => {
    const a = await createOrgWithOwner();
    const b = await createOrgWithOwner();
    await expect(
      withScope(getDb(), { orgId: a.org.id }, (tx) =>
        tx.auditLog.create({
          data: { orgId: b.org.id, action: "x", targetType: "x" },
        }),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it("covers every tenant-owned table, and the app role cannot bypass it", async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      const withOrgId = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.columns
         WHERE table_schema = 'public' AND column_name = 'orgId' ORDER BY table_name`,
      );
      const rls = await client.query<{ relname: string }>(
        `SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity
         AND relnamespace = 'public'::regnamespace ORDER BY relname`,
      );
      // Every org-keyed table has FORCEd RLS but the public ones; no global model's table has.
      const unscoped = Object.keys(PUBLIC_ORG_TABLES);
      const secured = rls.rows.map((r) => r.relname);
      expect(withOrgId.rows.map((r) => r.table_name)).toEqual([...secured, ...unscoped].sort());
      const globalTables = Object.values(GLOBAL_MODELS).map((m) => m.table);
      expect(secured.filter((t) => globalTables.includes(t))).toEqual([]);
      const tables = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(globalTables));
      const role = await client.query(
        `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'patronus_app'`,
      );
      expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
      const owned = await client.query(
        `SELECT count(*)::int AS n FROM pg_tables WHERE tableowner = 'patronus_app'`,
      );
      expect(owned.rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
  });
});

describe("layer 1: the tRPC ladder", () => {
  it("answers NOT_FOUND for an org the caller is not in", async () => {
    const a = await createOrgWithOwner();
    const b = await createOrgWithOwner();
    await expect(callerFor(b.owner).member.list({ orgSlug: a.slug })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(callerFor(b.owner).org.get({ orgSlug: "no-such-org" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("answers UNAUTHORIZED without a session", async () => {
    const a = await createOrgWithOwner();
    await expect(callerFor(null).member.list({ orgSlug: a.slug })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});
