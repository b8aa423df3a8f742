import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** The folder of the data model: one .prisma file a domain (Prisma's multi-file schema). */
export const SCHEMA_DIR = "prisma/schema";
const GENERATOR_OUTPUT = 'output     = "../../server/platform/db/generated"';

const HEADER = `// Snapshot of prisma/schema/*.prisma as of the newest migration; written by
// scripts/new-migration.ts. Do not edit. The drift test checks that it equals the schema.
`;

/** The schema files' text, in name order, as one document. */
export function readSchema(root = process.cwd()) {
  const dir = path.join(root, SCHEMA_DIR);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".prisma"))
    .sort()
    .map((f) => `// ---- ${f}\n${readFileSync(path.join(dir, f), "utf8")}`)
    .join("\n");
}

/**
 * prisma/migrated.schema.prisma is the schema as the migrations left it: the "from" side of
 * the next migration's diff. Its generator points nowhere so nobody generates from it.
 */
export function snapshotOf(schema: string) {
  return (
    HEADER +
    schema.replace(GENERATOR_OUTPUT, 'output     = "../node_modules/.prisma-snapshot-unused"')
  );
}
