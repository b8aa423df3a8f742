import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { ensureAppRole } from "../server/platform/db/app-role";
import { migrate } from "../server/platform/db/migrate";
import { freeUdpPort } from "../testkit/dns-server";
import { databaseUrl } from "../testkit/resources";
import { destroyStack, type Stack, saveStack } from "./stack";

/**
 * Builds the whole stack for the journeys from nothing but PostgreSQL and Redis: a fresh
 * database (migrated, app role, demo seed), a production Next server and the mail worker,
 * each in its own process group so teardown can stop every child.
 */
const ROOT = path.resolve(import.meta.dirname, "..");
const LOG_DIR = path.join(ROOT, ".test-reports");
const ADMIN_URL =
  process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** The runner's environment plus `extra`; the portal and the worker choose their own NODE_ENV. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  Reflect.deleteProperty(env, "NODE_ENV");
  return env;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, logName: string) {
  const log = openSync(path.join(LOG_DIR, logName), "w");
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", log, log] });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(`${command} ${args.join(" ")} exited ${code}; see .test-reports/${logName}`),
          ),
    );
  });
}

function startDetached(command: string, args: string[], env: NodeJS.ProcessEnv, logName: string) {
  const log = openSync(path.join(LOG_DIR, logName), "w");
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", log, log],
  });
  child.unref();
  if (!child.pid) throw new Error(`could not start ${command} ${args.join(" ")}`);
  return child;
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the portal exited ${child.exitCode}`);
    try {
      const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(2_000) });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms; see .test-reports/e2e-next.log`);
}

/**
 * The local Stripe stand-in, as its own process (like in `npm start`): the Next server,
 * the workers and the tests' /_stub controls all reach it over HTTP. Resolves with the
 * environment it prints once ready.
 */
async function startStripeStub(port: string, stack: Stack) {
  const logName = "e2e-stripe.log";
  const child = startDetached(
    "npx",
    [
      "tsx",
      "tools/stripe-stand-in/main.ts",
      "--port",
      String(await freePort()),
      "--webhook-url",
      `http://127.0.0.1:${port}/api/webhooks/stripe`,
    ],
    childEnv({}),
    logName,
  );
  stack.pids.push(child.pid!);
  saveStack(stack);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the Stripe stub exited; see .test-reports/${logName}`);
    for (const line of readFileSync(path.join(LOG_DIR, logName), "utf8").split("\n")) {
      const message = readyLine(line);
      if (message) return message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the Stripe stub did not start in 60 s; see .test-reports/${logName}`);
}

/** The env of the stub's `{"ready":true,"env":{...}}` line; null for any other (or half-written) line. */
function readyLine(line: string): Record<string, string> | null {
  try {
    const message = JSON.parse(line) as { ready?: boolean; env?: Record<string, string> };
    return message?.ready && message.env ? message.env : null;
  } catch {
    return null;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

export default async function globalSetup() {
  mkdirSync(LOG_DIR, { recursive: true });
  const port = process.env.E2E_PORT;
  if (!port) throw new Error("E2E_PORT is not set (playwright.config.ts sets it)");
  const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const stack: Stack = {
    adminUrl: ADMIN_URL,
    database: `patronus_e2e_${suffix}`,
    redisUrl: REDIS_URL,
    redisPrefix: `pe2e-${suffix}`,
    pkiDir: mkdtempSync(path.join(tmpdir(), "patronus-e2e-pki-")),
    pids: [],
  };
  saveStack(stack);
  try {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${stack.database}"`);
    } finally {
      await admin.end();
    }
    const ownerUrl = databaseUrl(ADMIN_URL, stack.database);
    const appUrl = databaseUrl(ADMIN_URL, stack.database, "patronus_app");
    await migrate(ownerUrl);
    await ensureAppRole(ownerUrl, appUrl);

    // Billing is on in the journeys, against the stand-in; the tests reach it too (E2E's
    // workers inherit this process's environment).
    const stripeEnv = await startStripeStub(port, stack);
    const dnsPort = await freeUdpPort();
    process.env.E2E_DNS_PORT = String(dnsPort);
    Object.assign(process.env, stripeEnv);
    const env = childEnv({
      DATABASE_URL: ownerUrl,
      APP_DATABASE_URL: appUrl,
      REDIS_URL,
      REDIS_PREFIX: stack.redisPrefix,
      AUTH_SECRET: randomBytes(32).toString("hex"),
      APP_URL: `http://localhost:${port}`,
      PORT: port,
      NEXT_TELEMETRY_DISABLED: "1",
      // Asked for, and an operator named: production must still show the outbox to nobody
      // (e2e/security.spec.ts). The journeys read mail links from the database.
      MAIL_OUTBOX_UI: "true",
      PLATFORM_OPERATORS: "msp-admin@demo.patronus.dev",
      SIGNIN_MAX_ATTEMPTS: "50",
      // The fleet: an embedded broker on a free port, its own PKI and master key.
      FLEET_MASTER_KEY: randomBytes(32).toString("hex"),
      FLEET_PKI_DIR: stack.pkiDir as string,
      FLEET_BROKER: "embedded",
      FLEET_MQTT_URL: `mqtts://127.0.0.1:${await freePort()}`,
      // Webhooks: a real sealing key, and the journey's receiver on loopback allowed.
      WEBHOOK_SECRET_KEY: randomBytes(32).toString("hex"),
      WEBHOOK_ALLOW_CIDRS: "127.0.0.1/32",
      // Alerting: sweep every 5 s and evaluate every org at least every 10 s (rather than 30 s
      // and 5 min), so e2e/alerting.spec.ts's incident, made by a row no change announces,
      // opens soon.
      ALERT_EVALUATE_EVERY_MS: "5000",
      ALERT_FULL_EVERY_MS: "10000",
      // Custom domains: TXT records come from the DNS server e2e/custom-domain.spec.ts runs.
      DNS_SERVERS: `127.0.0.1:${dnsPort}`,
    });

    await run("npx", ["tsx", "prisma/seed.ts"], env, "e2e-seed.log");
    await run("node", ["scripts/build-agent.mjs"], env, "e2e-agent-bundle.log");
    if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
      await run("npx", ["next", "build"], env, "e2e-build.log");
    }

    // tsx directly (not through npx): its pid is the portal's, whose memory tests read.
    const next = startDetached(
      process.execPath,
      ["--import", "tsx", "scripts/portal.ts", "-p", port, "-H", "127.0.0.1"],
      env,
      "e2e-next.log",
    );
    stack.portalPid = next.pid;
    stack.pids.push(next.pid!);
    saveStack(stack);
    const fleet = startDetached("npx", ["tsx", "workers/fleet-broker.ts"], env, "e2e-fleet.log");
    stack.pids.push(fleet.pid!);
    saveStack(stack);
    const worker = startDetached("npx", ["tsx", "workers/index.ts"], env, "e2e-worker.log");
    stack.pids.push(worker.pid!);
    saveStack(stack);

    await waitForHttp(`http://127.0.0.1:${port}/sign-in`, next, 120_000);
  } catch (error) {
    await destroyStack(stack);
    delete process.env.E2E_STACK;
    throw error;
  }
}
