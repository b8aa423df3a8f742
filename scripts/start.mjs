// `npm start`: the one command that takes a fresh checkout to a running portal + worker.
// Only Node built-ins here and in scripts/lib: this runs before node_modules exists.
// See docs/running.md for what each step does and the variables it reads.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildStatus, recordBuild } from "./lib/build-check.mjs";
import { Supervisor } from "./lib/children.mjs";
import { applyServiceUrls, loadEnvironment } from "./lib/config.mjs";
import { error, info, paint, progressToStderr, StartError, warn } from "./lib/log.mjs";
import { probePort, waitForHttp } from "./lib/net.mjs";
import { runStep, stopGroups } from "./lib/proc.mjs";
import { cleanUpStaleRun, RunRecord } from "./lib/run-record.mjs";
import { Services, stopAllLocalServices } from "./lib/services.mjs";
import { freeLoopbackPort, startStripeStandIn } from "./lib/stripe-stand-in.mjs";

const ROOT = resolve(fileURLToPath(import.meta.url), "..", "..");
const DATA = join(ROOT, ".data");
const PORTAL_READY_TIMEOUT_MS = 120_000;

const USAGE = `Usage: npm start [-- <flag>]
  (no flag)         install if needed, find or start PostgreSQL and Redis, migrate, seed,
                    build if needed, then run the portal, the worker, the fleet broker and
                    simulated agents for the demo sites until Ctrl-C
  --services-only   only find or start PostgreSQL and Redis, print their URLs and exit,
                    leaving any local servers running
  --stop-services   stop the local PostgreSQL/Redis that npm start started for this checkout
  --help            this text
Environment: PATRONUS_LOCAL_SERVICES=1 skips 127.0.0.1:5432/6379 and uses local binaries.`;

// Everything shutdown() must clean up, filled in as the run progresses.
const state = {
  services: new Services(DATA),
  run: new RunRecord(DATA),
  supervisor: null,
  step: null,
  stripeStandIn: null,
  demoMailbox: null,
  shuttingDown: false,
};

function parseFlags(argv) {
  const known = ["--services-only", "--stop-services", "--help", "-h"];
  const unknown = argv.filter((arg) => !known.includes(arg));
  if (unknown.length) throw new StartError(`unknown argument ${unknown[0]}\n${USAGE}`);
  return {
    help: argv.includes("--help") || argv.includes("-h"),
    servicesOnly: argv.includes("--services-only"),
    stopServices: argv.includes("--stop-services"),
  };
}

function checkNodeVersion() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    throw new StartError(`Node.js 20.19 or newer is needed; this is ${process.version}.`);
  }
}

// ---------------------------------------------------------------------------------------
// Steps

/** Why dependencies must be (re)installed, or null when node_modules matches the lock. */
function dependenciesOutdated() {
  const marker = join(ROOT, "node_modules", ".package-lock.json");
  if (!existsSync(join(ROOT, "node_modules"))) return "node_modules is missing";
  if (!existsSync(marker)) return "node_modules was not installed by npm";
  const lock = join(ROOT, "package-lock.json");
  if (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs) {
    return "package-lock.json is newer than node_modules";
  }
  return null;
}

const npx = (...args) => ["npx", ["--no", "--", ...args]];

function step(title, [command, args]) {
  info(paint("bold", title));
  return runStep(command, args, {
    env: process.env,
    cwd: ROOT,
    track: (child) => {
      state.step = child;
      if (child) state.run.add(child.pid);
    },
  });
}

function requireFiles(files) {
  const missing = files.filter((file) => !existsSync(join(ROOT, file)));
  if (missing.length) {
    throw new StartError(`This checkout is missing ${missing.join(", ")}; cannot start.`);
  }
}

async function prepareApp() {
  requireFiles(["scripts/migrate.ts", "prisma/seed.ts", "workers/index.ts"]);
  const build = buildStatus(ROOT, DATA);
  await step("generating the Prisma client", npx("prisma", "generate"));
  await step("applying database migrations", npx("tsx", "scripts/migrate.ts"));
  await step("seeding demo data", npx("tsx", "prisma/seed.ts"));
  await step("bundling the edge agent", ["node", ["scripts/build-agent.mjs"]]);
  if (build.needed) {
    await step(`building the portal (${build.reason})`, npx("next", "build"));
    recordBuild(DATA, build.inputs);
  } else {
    info(`skipping next build: ${build.reason}`);
  }
}

function createSupervisor() {
  state.supervisor ??= new Supervisor((label, code, signal, err) => {
    const how = err ? err.message : signal ? `killed by ${signal}` : `exited with code ${code}`;
    error(`${label} ${how}; stopping everything`);
    shutdown(1);
  });
  return state.supervisor;
}

/**
 * Without STRIPE_SECRET_KEY, billing runs against the local Stripe stand-in: its keys,
 * URL and price ids go into process.env, which the portal and the workers inherit.
 */
async function startBillingStandIn() {
  if (process.env.STRIPE_SECRET_KEY?.trim()) {
    info("billing uses Stripe (STRIPE_SECRET_KEY is set)");
    return;
  }
  const port = await freeLoopbackPort();
  const stubEnv = await startStripeStandIn(createSupervisor(), {
    port,
    webhookUrl: `http://127.0.0.1:${process.env.PORT}/api/webhooks/stripe`,
    env: process.env,
    cwd: ROOT,
    onStart: (pid) => state.run.add(pid),
  });
  Object.assign(process.env, stubEnv);
  state.stripeStandIn = stubEnv.STRIPE_API_URL;
  info(
    `billing uses the local Stripe stand-in at ${stubEnv.STRIPE_API_URL} (no STRIPE_SECRET_KEY)`,
  );
}

function startChildren() {
  createSupervisor();
  const options = {
    env: process.env,
    cwd: ROOT,
    onStart: (pid) => state.run.add(pid),
  };
  const port = process.env.PORT;
  state.supervisor.start(
    "portal",
    "cyan",
    ...npx("tsx", "scripts/portal.ts", "-p", port, "-H", "127.0.0.1"),
    options,
  );
  state.supervisor.start("fleet", "yellow", ...npx("tsx", "workers/fleet-broker.ts"), options);
  state.supervisor.start("worker", "magenta", ...npx("tsx", "workers/index.ts"), options);
}

/**
 * Without SMTP_URL no mail leaves the machine: the demo shows what would have been sent
 * in its own mailbox (tools/demo-mailbox), on loopback under a random path. The portal
 * itself lists mail to nobody in production (docs/security.md).
 */
async function startDemoMailbox() {
  if (process.env.SMTP_URL?.trim()) return;
  const port = await freeLoopbackPort();
  const token = randomBytes(18).toString("base64url");
  state.supervisor.start(
    "mailbox",
    "green",
    ...npx("tsx", "tools/demo-mailbox/main.ts", "--port", String(port), "--token", token),
    { env: process.env, cwd: ROOT, onStart: (pid) => state.run.add(pid) },
  );
  state.demoMailbox = `http://127.0.0.1:${port}/${token}`;
}

/** Simulated agents for the demo org's sites, once the portal can enroll them. */
function startDemoFleet() {
  state.supervisor.start("agents", "blue", ...npx("tsx", "scripts/demo-fleet.ts"), {
    env: process.env,
    cwd: ROOT,
    onStart: (pid) => state.run.add(pid),
  });
}

/** The broker port of FLEET_MQTT_URL (the embedded broker listens there). */
function fleetPort() {
  const url = process.env.FLEET_MQTT_URL || "mqtts://127.0.0.1:8883";
  return Number(new URL(url).port || 8883);
}

function readDemoLogins() {
  try {
    const logins = JSON.parse(readFileSync(join(DATA, "demo-logins.json"), "utf8"));
    return Array.isArray(logins) && logins.length ? logins : null;
  } catch {
    return null;
  }
}

function printBanner() {
  const logins = readDemoLogins();
  const lines = ["", `Patronus is running at ${paint("bold", process.env.APP_URL)}`, ""];
  if (logins) {
    const rows = logins.map((l) =>
      [l.email, l.password, l.role, l.org].map((v) => String(v ?? "")),
    );
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length)));
    lines.push("Demo logins (email, password, role, organisation):");
    for (const row of rows) {
      lines.push(`  ${row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join("  ")}`);
    }
  } else {
    lines.push("Demo logins: see seed output above.");
  }
  if (state.demoMailbox) {
    lines.push(
      "",
      paint("bold", "THIS IS A DEMO: no mail is sent (no SMTP_URL)."),
      `Verification and invitation mails are shown at ${state.demoMailbox}`,
    );
  }
  if (state.stripeStandIn) {
    lines.push(
      "",
      "Billing runs against the local Stripe stand-in: a new organization can Upgrade on its Billing page.",
    );
  }
  lines.push("", "Ctrl-C to stop.", "");
  const rule = "─".repeat(Math.min(100, Math.max(...lines.map((l) => l.length)) + 2));
  console.log(
    [paint("green", rule), ...lines.map((l) => ` ${l}`), paint("green", rule)].join("\n"),
  );
}

// ---------------------------------------------------------------------------------------
// Lifecycle

/** Stops children, the current step and the servers this run started; then exits. */
async function shutdown(code) {
  if (state.shuttingDown) return;
  state.shuttingDown = true;
  try {
    await Promise.all([stopGroups([state.step?.pid]), state.supervisor?.stopAll()]);
    await state.services.stopOwned();
    state.run.clear();
  } finally {
    process.exit(code);
  }
}

function onSignal(signal) {
  if (state.shuttingDown) return;
  info(`${signal} received, stopping…`);
  // A deliberate stop is a success: npm would otherwise print a scary lifecycle error.
  shutdown(0);
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.help) {
    console.log(USAGE);
    return;
  }
  if (flags.stopServices) {
    await cleanUpStaleRun(ROOT, DATA, { allowLive: true });
    await stopAllLocalServices(DATA);
    return;
  }
  checkNodeVersion();
  // --services-only prints KEY=VALUE lines on stdout, so that `eval "$(...)"` works.
  if (flags.servicesOnly) progressToStderr();
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, onSignal);

  if (!flags.servicesOnly) {
    // First, so that a second `npm start` is refused before `npm ci` touches node_modules.
    await cleanUpStaleRun(ROOT, DATA);
    const outdated = dependenciesOutdated();
    if (outdated) await step(`installing dependencies (${outdated})`, ["npm", ["ci"]]);
  }

  const config = loadEnvironment(ROOT, DATA);
  if (config.fromFile.length) info(`read ${config.fromFile.join(", ")} from .env`);
  if (config.localServices && (config.explicit.databaseUrl || config.explicit.redisUrl)) {
    warn("PATRONUS_LOCAL_SERVICES=1 does not replace an explicit DATABASE_URL/REDIS_URL");
  }
  if (!flags.servicesOnly && (await probePort("127.0.0.1", Number(process.env.PORT)))) {
    throw new StartError(`Port ${process.env.PORT} is already in use; set PORT to another one.`);
  }
  const embedded = (process.env.FLEET_BROKER || "embedded") === "embedded";
  if (!flags.servicesOnly && embedded && (await probePort("127.0.0.1", fleetPort()))) {
    throw new StartError(
      `Port ${fleetPort()} (the fleet broker) is in use; set FLEET_MQTT_URL=mqtts://127.0.0.1:<port>.`,
    );
  }

  const { databaseUrl, redisUrl } = await state.services.resolve({
    ...config,
    keep: flags.servicesOnly,
  });
  applyServiceUrls(config.explicit, databaseUrl, redisUrl);

  if (flags.servicesOnly) {
    for (const key of ["DATABASE_URL", "APP_DATABASE_URL", "REDIS_URL"]) {
      console.log(`${key}=${process.env[key]}`);
    }
    process.exit(0);
  }

  await prepareApp();
  await startBillingStandIn();
  startChildren();
  await startDemoMailbox();
  const url = `http://127.0.0.1:${process.env.PORT}/`;
  const up = await waitForHttp(url, PORTAL_READY_TIMEOUT_MS, () => state.shuttingDown);
  if (state.shuttingDown) return;
  if (up) {
    startDemoFleet();
    printBanner();
  } else warn(`the portal is not answering on ${url} after 120 s; see the [portal] lines above`);
  // From here on, the signal handlers and the supervisor decide when we exit.
}

main().catch((err) => {
  if (state.shuttingDown) return;
  error(err instanceof StartError ? err.message : (err?.stack ?? String(err)));
  shutdown(1);
});
