// Applies migrations and sets up the application role. Usage: npm run db:migrate
import { ensureAppRole } from "../server/platform/db/app-role";
import { migrate } from "../server/platform/db/migrate";
import { env } from "../server/platform/env";

const applied = await migrate(env.DATABASE_URL, (line) => console.log(line));
await ensureAppRole(env.DATABASE_URL, env.APP_DATABASE_URL);
console.log(applied.length ? `${applied.length} migration(s) applied` : "database up to date");
