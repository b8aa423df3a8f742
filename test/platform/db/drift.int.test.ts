import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { readSchema, SCHEMA_DIR, snapshotOf } from "../../../server/platform/db/schema-snapshot";
import { databaseUrl } from "../../../testkit/resources";

const run = promisify(execFile);

/**
 * prisma/schema/*.prisma and prisma/migrations must describe the same database. Prisma renders the
 * schema as SQL from scratch (offline, no shadow database); we apply that to an empty
 * database and compare its catalog with the test database, which the migrations built.
 * Row-level security lives only in migrations, so policies are not compared. Tables that
 * the migrations partition (the tenant time series) are compared by their parents, whose
 * indexes PostgreSQL renders `ON ONLY`; their partitions live outside the public schema.
 */
const CATALOG = `
  SELECT 'column' AS kind, table_name || '.' || column_name AS name,
         concat_ws(' ', data_type, udt_name, is_nullable, column_default) AS def
    FROM information_schema.columns WHERE table_schema = 'public'
  UNION ALL
  SELECT 'index', indexname, replace(indexdef, ' ON ONLY ', ' ON ')
    FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL
  SELECT 'constraint', conrelid::regclass || '.' || conname, pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'enum', t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`;

async function catalog(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ kind: string; name: string; def: string }>(CATALOG);
    return rows
      .filter((r) => !r.name.startsWith("_prisma_migrations"))
      .map((r) => `${r.kind} ${r.name}: ${r.def}`)
      .sort();
  } finally {
    await client.end();
  }
}

describe("prisma/schema vs migrations", () => {
  it("has no schema change without a migration (run scripts/new-migration.ts)", async () => {
    const snapshot = await readFile("prisma/migrated.schema.prisma", "utf8");
    expect(snapshot).toBe(snapshotOf(readSchema()));
  });

  it("describe the same tables, columns, indexes, constraints and enums", async () => {
    const { stdout: sql } = await run(
      "npx",
      [
        "prisma",
        "migrate",
        "diff",
        "--from-empty",
        "--to-schema-datamodel",
        SCHEMA_DIR,
        "--script",
      ],
      { env: process.env, maxBuffer: 16 * 1024 * 1024 },
    );
    const scratch = `patronus_drift_${randomBytes(4).toString("hex")}`;
    const owner = process.env.DATABASE_URL!;
    const admin = new pg.Client({ connectionString: owner });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${scratch}`);
    try {
      const scratchUrl = databaseUrl(owner, scratch);
      const client = new pg.Client({ connectionString: scratchUrl });
      await client.connect();
      await client.query(sql);
      await client.end();
      expect(await catalog(scratchUrl)).toEqual(await catalog(owner));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
      await admin.end();
    }
  });

  it("leaves Prisma's own bookkeeping agreeing that the database is up to date", async () => {
    const { stdout } = await run("npx", ["prisma", "migrate", "status"], { env: process.env });
    expect(stdout).toContain("Database schema is up to date");
  });
});
