import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "../env";
import { PrismaClient } from "./generated/client";
import { assertTenantScoped } from "./tenant-guard";

export * from "./generated/client";

/** A Prisma client with the tenant guard installed. */
export function createDb(connectionString: string) {
  const adapter = new PrismaPg({ connectionString, max: env.DATABASE_POOL_MAX });
  const base = new PrismaClient({ adapter });
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
const globalForDb = globalThis as unknown as { patronusDb?: Db };

/** The runtime client: connects as the RLS-restricted application role. */
export function getDb(): Db {
  globalForDb.patronusDb ??= createDb(env.APP_DATABASE_URL);
  return globalForDb.patronusDb;
}
