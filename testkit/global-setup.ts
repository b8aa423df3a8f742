import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { ensureAppRole } from "../server/platform/db/app-role";
import { migrate } from "../server/platform/db/migrate";
import { databaseUrl, deleteRedisKeys, dropDatabase } from "./resources";
import { TestRedisCluster } from "./stack/redis-cluster";

/**
 * Integration tests get their own database and Redis key prefix per run, set up here and
 * dropped afterwards. Test workers inherit the environment set below. With
 * TEST_REDIS_CLUSTER=1 the run gets a three-node Redis Cluster of its own instead of
 * REDIS_URL (docs/testing.md); REDIS_CLUSTER_NODES points it at an existing cluster.
 */
const ADMIN_URL =
  process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export default async function setup() {
  const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const database = `patronus_test_${suffix}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();

  const ownerUrl = databaseUrl(ADMIN_URL, database);
  const appUrl = databaseUrl(ADMIN_URL, database, "patronus_app");
  const pkiDir = mkdtempSync(path.join(tmpdir(), "patronus-test-pki-"));
  const ownCluster = /^(1|true)$/.test(process.env.TEST_REDIS_CLUSTER ?? "")
    ? await TestRedisCluster.start()
    : undefined;
  const clusterNodes = ownCluster?.nodes ?? process.env.REDIS_CLUSTER_NODES ?? "";
  Object.assign(process.env, {
    FLEET_PKI_DIR: pkiDir,
    NODE_ENV: "test",
    DATABASE_URL: ownerUrl,
    APP_DATABASE_URL: appUrl,
    REDIS_URL,
    REDIS_CLUSTER_NODES: clusterNodes,
    REDIS_PREFIX: `ptest-${suffix}`,
    MAIL_OUTBOX_UI: "true",
  });
  await migrate(ownerUrl);
  await ensureAppRole(ownerUrl, appUrl);

  return async () => {
    rmSync(pkiDir, { recursive: true, force: true });
    await dropDatabase(ADMIN_URL, database);
    if (ownCluster) await ownCluster.stop();
    else await deleteRedisKeys(REDIS_URL, `ptest-${suffix}`, clusterNodes);
  };
}
