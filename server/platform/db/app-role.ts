import pg from "pg";

/**
 * Creates (if missing) the login role the application runs as, and grants it data access
 * but not ownership, so row-level security applies to it. Idempotent. Needs a connection
 * that may create roles (the owner / DATABASE_URL).
 */
export async function ensureAppRole(ownerUrl: string, appUrl: string) {
  const app = new URL(appUrl);
  const role = decodeURIComponent(app.username);
  const password = decodeURIComponent(app.password);
  if (!/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`Invalid app role name: ${role}`);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
    const pw = password ? ` PASSWORD ${client.escapeLiteral(password)}` : "";
    if (exists.rowCount === 0) {
      // Concurrent test runs may race here; a duplicate is fine.
      await client
        .query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOBYPASSRLS${pw}`)
        .catch((e: { code?: string }) => {
          if (e.code !== "23505" && e.code !== "42710") throw e;
        });
    } else if (pw) {
      await client.query(`ALTER ROLE ${role} LOGIN${pw}`);
    }
    await client.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await client.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
    );
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    await client.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${role}`);
    // The migrations table is the owner's business.
    await client.query(`REVOKE ALL ON "_prisma_migrations" FROM ${role}`);
  } finally {
    await client.end();
  }
}
