import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

// Prisma 6.19 with its bundled Wasm schema engine ("js"), so the CLI works offline.
// Migrations are applied by our own runner (scripts/migrate.ts); see docs/database.md.
export default defineConfig({
  schema: "prisma/schema",
  migrations: { path: "prisma/migrations" },
  engine: "js",
  experimental: { adapter: true },
  adapter: async () =>
    new PrismaPg({
      connectionString: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/patronus",
    }),
});
