import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../../server/platform/db/client";
import { TenantGuardError } from "../../../server/platform/db/tenant-guard";
import { PUBLIC_ORG_TABLES, TENANT_MODELS } from "../../../server/platform/db/tenant-models";
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
      const declared = Object.values(TENANT_MODELS)
        .map((m) => m.table)
        .sort();
      const unscoped = Object.keys(PUBLIC_ORG_TABLES);
      expect(withOrgId.rows.map((r) => r.table_name)).toEqual([...declared, ...unscoped].sort());
      expect(rls.rows.map((r) => r.relname)).toEqual(declared);
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
