import { Pool } from "pg";
import { env } from "../env";
import { PrismaClient } from "./generated/client";
import { pgAdapter } from "./pg-adapter";
import { assertTenantScoped } from "./tenant-guard";

export * from "./generated/client";

/** A Prisma client with the tenant guard installed. */
export function createDb(connectionString: string, pool?: Pool) {
  // Our own pg Pool (the adapter ends it on $disconnect), so its use can be measured.
  const owned = pool ?? new Pool({ connectionString, max: env.DATABASE_POOL_MAX });
  const base = new PrismaClient({ adapter: pgAdapter(owned) });
  return base.$extends({
    name: "tenant-guard",
    query: {
      $allModels: {
        $allOperations({ model, operation, args, query }) {
          assertTenantScoped(model, operation, args as Record<string, unknown>);
          return query(args);
        },
      },
    },
  });
}

export type Db = ReturnType<typeof createDb>;
/** The client inside an interactive transaction. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

// One client per process; Next's dev server re-evaluates modules, so keep it on globalThis.
const globalForDb = globalThis as unknown as { patronusDb?: Db; patronusDbPool?: Pool };

/** The runtime client: connects as the RLS-restricted application role. */
export function getDb(): Db {
  if (!globalForDb.patronusDb) {
    // The pool's use is reported by the metrics (server/platform/metrics/db.ts).
    const pool = new Pool({ connectionString: env.APP_DATABASE_URL, max: env.DATABASE_POOL_MAX });
    globalForDb.patronusDbPool = pool;
    globalForDb.patronusDb = createDb(env.APP_DATABASE_URL, pool);
  }
  return globalForDb.patronusDb;
}

/**
 * Closes the runtime client; the next getDb() connects again, to APP_DATABASE_URL as it is
 * then (a test pointing its process at a database of its own).
 */
export async function closeDb() {
  const db = globalForDb.patronusDb;
  globalForDb.patronusDb = undefined;
  globalForDb.patronusDbPool = undefined;
  await db?.$disconnect();
}
