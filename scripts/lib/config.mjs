// Environment for every step and child: .env first (never overriding the shell), then
// defaults. Service URLs are filled in later, once we know which servers we use.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadEnvFile } from "./env-file.mjs";
import { StartError } from "./log.mjs";
import { appDatabaseUrl } from "./postgres.mjs";

const nonEmpty = (value) => (value?.trim() ? value.trim() : undefined);

/**
 * Loads .env into process.env and applies defaults. Returns which service URLs were set
 * explicitly (by the shell or .env), since those are used as given and never replaced.
 */
export function loadEnvironment(root, dataRoot) {
  const env = process.env;
  const fromFile = loadEnvFile(join(root, ".env"), env);
  const explicit = {
    databaseUrl: nonEmpty(env.DATABASE_URL),
    appDatabaseUrl: nonEmpty(env.APP_DATABASE_URL),
    redisUrl: nonEmpty(env.REDIS_URL),
    // A Redis Cluster is always the operator's: npm start neither probes nor starts one.
    redisClusterNodes: nonEmpty(env.REDIS_CLUSTER_NODES),
  };
  env.PORT = nonEmpty(env.PORT) ?? "3000";
  if (!/^\d+$/.test(env.PORT) || Number(env.PORT) < 1 || Number(env.PORT) > 65535) {
    throw new StartError(`PORT must be a port number, got "${env.PORT}"`);
  }
  env.APP_URL = nonEmpty(env.APP_URL) ?? `http://localhost:${env.PORT}`;
  env.AUTH_SECRET = nonEmpty(env.AUTH_SECRET) ?? persistentSecret(dataRoot, "auth-secret");
  // Seals the org CAs' keys; losing it means re-enrolling every device, so it is kept too.
  env.FLEET_MASTER_KEY =
    nonEmpty(env.FLEET_MASTER_KEY) ?? persistentSecret(dataRoot, "fleet-master-key");
  // Seals the webhook endpoints' signing secrets; kept so deliveries stay signable.
  env.WEBHOOK_SECRET_KEY =
    nonEmpty(env.WEBHOOK_SECRET_KEY) ?? persistentSecret(dataRoot, "webhook-secret-key");
  env.NEXT_TELEMETRY_DISABLED = "1";
  return {
    fromFile,
    explicit,
    localServices: /^(1|true|yes)$/i.test(env.PATRONUS_LOCAL_SERVICES ?? ""),
  };
}

/**
 * A generated secret (32 bytes, hex), kept in .data/<name> so sessions and sealed keys
 * survive restarts. Only for machines where nobody configured one; production sets its own.
 */
function persistentSecret(dataRoot, name) {
  const file = join(dataRoot, name);
  if (existsSync(file)) {
    const saved = readFileSync(file, "utf8").trim();
    if (saved.length >= 32) return saved;
  }
  mkdirSync(dataRoot, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Publishes the chosen servers to process.env, which every step and child inherits. */
export function applyServiceUrls(explicit, databaseUrl, redisUrl) {
  process.env.DATABASE_URL = databaseUrl;
  process.env.APP_DATABASE_URL = explicit.appDatabaseUrl ?? appDatabaseUrl(databaseUrl);
  process.env.REDIS_URL = redisUrl;
}
