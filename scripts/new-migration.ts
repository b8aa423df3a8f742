// Authors a migration from the change to prisma/schema/ since the last migration:
//   npx tsx scripts/new-migration.ts add_sites
// Prisma 6's offline (Wasm) engine cannot diff against a database when a driver adapter is
// configured, so we diff two schema files: the snapshot taken at the last migration and the
// current schema. test/platform/db/drift.int.test.ts proves the result matches the schema.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readSchema, SCHEMA_DIR, snapshotOf } from "../server/platform/db/schema-snapshot";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npx tsx scripts/new-migration.ts <snake_case_name>");
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, "..");
const snapshot = path.join(root, "prisma/migrated.schema.prisma");
const schema = path.join(root, SCHEMA_DIR);
const sql = execFileSync(
  "npx",
  [
    "prisma",
    "migrate",
    "diff",
    "--from-schema-datamodel",
    snapshot,
    "--to-schema-datamodel",
    schema,
    "--script",
  ],
  {
    cwd: root,
    encoding: "utf8", // The Wasm engine opens a connection even for a file-to-file diff.
    env: { DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/postgres", ...process.env },
  },
);
if (!sql.replace(/--.*$/gm, "").trim()) {
  console.log("prisma/schema has no changes since the last migration");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(root, "prisma/migrations", `${stamp}_${name}`);
mkdirSync(dir);
writeFileSync(path.join(dir, "migration.sql"), sql);
writeFileSync(snapshot, snapshotOf(readSchema(root)));
console.log(
  `wrote ${path.relative(root, dir)}/migration.sql; add RLS policies for new tenant tables`,
);
