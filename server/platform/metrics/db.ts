// Use of the process's PostgreSQL pool (the pg Pool under Prisma's adapter that getDb()
// creates), read at each scrape; nothing is reported before the process first used it.
import type { Pool } from "pg";
import { gauge } from "./registry";

const poolOf = () => (globalThis as unknown as { patronusDbPool?: Pool }).patronusDbPool;

export function registerDbPool(pool: () => Pool | undefined = poolOf) {
  gauge({
    name: "patronus_db_pool_clients",
    help: "Connections of the database pool, by state (idle or busy)",
    labelNames: ["state"] as const,
    collect() {
      this.reset();
      const p = pool();
      if (!p) return;
      this.set({ state: "idle" }, p.idleCount);
      this.set({ state: "busy" }, p.totalCount - p.idleCount);
    },
  });
  gauge({
    name: "patronus_db_pool_waiting",
    help: "Queries waiting for a free connection of the database pool",
    collect() {
      this.reset();
      const p = pool();
      if (p) this.set(p.waitingCount);
    },
  });
  gauge({
    name: "patronus_db_pool_max",
    help: "The most connections the database pool opens (DATABASE_POOL_MAX)",
    collect() {
      this.reset();
      const p = pool();
      if (p) this.set(p.options.max ?? 10);
    },
  });
}
