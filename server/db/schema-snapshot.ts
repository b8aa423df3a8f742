const HEADER = `// Snapshot of schema.prisma as of the newest migration; written by scripts/new-migration.ts.
// Do not edit. The drift test checks that it equals schema.prisma.
`;

/**
 * prisma/migrated.schema.prisma is schema.prisma as the migrations left it: the "from" side
 * of the next migration's diff. Its generator points nowhere so nobody generates from it.
 */
export function snapshotOf(schema: string) {
  return (
    HEADER +
    schema.replace(
      'output     = "../server/db/generated"',
      'output     = "../node_modules/.prisma-snapshot-unused"',
    )
  );
}
