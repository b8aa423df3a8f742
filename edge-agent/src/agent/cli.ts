// patronus-agent: enroll | run | status. Messages are for people; logs (JSON lines) go to
// stderr. Exit codes: 0 ok, 1 failure while running, 2 usage or configuration error,
// 3 refused by the portal (enroll) / agent not running (status), 4 portal unreachable.
import { existsSync, realpathSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Agent } from "./agent";
import {
  type AgentConfig,
  type AgentConfigInput,
  ConfigError,
  DEFAULT_CONFIG_PATH,
  DEFAULT_STATE_DIR,
  loadConfig,
  readConfigFile,
  writeConfigFile,
} from "./config";
import { DataplaneDriver } from "./drivers/dataplane";
import type { Driver } from "./drivers/driver";
import { SimulatedDriver } from "./drivers/simulated";
import { EnrollError, enroll, pollEnrollment } from "./enroll";
import { type Healthz, startHealthServer } from "./health";
import { createLogger, type Logger } from "./log";
import { type RunningMetrics, startAgentMetrics } from "./metrics";
import { Overlay } from "./overlay/overlay";
import { OverlayRunUsageError, overlayRun } from "./overlay/run";
import { SimOverlay } from "./overlay/sim-overlay";
import { FileStore, StoreError } from "./store";
import { AGENT_VERSION } from "./version";

const USAGE = `patronus-agent ${AGENT_VERSION}: the Patronus site agent

Usage:
  patronus-agent enroll --url <portal> --token <token> [options]
      Makes this device's key, enrolls it with the portal and saves its identity.
      --config <file>      config file to use or create (default ${DEFAULT_CONFIG_PATH})
      --state-dir <dir>    where key, certificates and state live (default ${DEFAULT_STATE_DIR})
      --simulate           run a simulated data plane (no kernel changes)
      --simulate-overlay   run a simulated overlay (real key and path selection over
                           synthetic probes; no tunnels): demos and tests
      --wan <if> --lan <if> --wan-ingress native|generic|tc
                           override the links the portal names for this box
      --no-wait            do not wait for approval; "run" finishes enrollment later
      The token may also come from the PATRONUS_TOKEN environment variable.
  patronus-agent run [--config <file>]
      Runs the agent (systemd: patronus-agent.service).
  patronus-agent status [--config <file>] [--json]
      Shows identity, revision and connection (from the running agent, else the state dir).

Exit codes: 0 ok, 1 failure, 2 usage or configuration error,
            3 refused by the portal / agent not running, 4 portal unreachable.`;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

type Out = (line: string) => void;

const HERE = dirname(fileURLToPath(import.meta.url));

/** Data-plane files next to the bundle (installed) or in the checkout's bpf/build. */
function findFile(name: string): string {
  const candidates = [join(HERE, "bpf", name), resolve(HERE, "../../../bpf/build", name)];
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

export function makeDriver(config: AgentConfig, log: Logger): Driver {
  if (config.simulate) return new SimulatedDriver();
  const d = config.dataplane;
  return new DataplaneDriver({
    loaderPath: d.loaderPath ?? findFile("patronus-loader"),
    bpfObject: d.bpfObject ?? findFile("patronus.bpf.o"),
    pinDir: d.pinDir,
    netns: d.netns,
    links: { wan: d.wan, lan: d.lan, wanIngress: d.wanIngress },
    log: log.child({ component: "dataplane" }),
  });
}

/**
 * The overlay runs where the agent runs: tunnels, probes and routes live in the agent's
 * own network namespace, so a simulated agent, one that drives its links from outside
 * their namespace (dataplane.netns), or one with overlay.enabled false has none.
 * `overlay.simulate` asks for the simulated overlay instead (no kernel at all).
 */
export function makeOverlay(config: AgentConfig, log: Logger): Overlay | SimOverlay | null {
  if (config.overlay?.enabled === false) return null;
  if (config.overlay?.simulate)
    return new SimOverlay({ stateDir: config.stateDir, log: log.child({ component: "overlay" }) });
  if (config.simulate) return null;
  if (config.dataplane.netns) {
    log.warn("overlay off: the agent runs outside the links' network namespace (dataplane.netns)");
    return null;
  }
  return new Overlay({
    stateDir: config.stateDir,
    wireguardGo: config.overlay?.wireguardGo,
    probePort: config.overlay?.probePort,
    logDir: join(config.stateDir, "wireguard"),
    log: log.child({ component: "overlay" }),
  });
}

async function cmdEnroll(argv: string[], out: Out): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      token: { type: "string" },
      config: { type: "string" },
      "state-dir": { type: "string" },
      simulate: { type: "boolean" },
      "simulate-overlay": { type: "boolean" },
      wan: { type: "string" },
      lan: { type: "string" },
      "wan-ingress": { type: "string" },
      "no-wait": { type: "boolean" },
      hostname: { type: "string" },
    },
  });
  const path = values.config ?? DEFAULT_CONFIG_PATH;
  const token = values.token ?? process.env.PATRONUS_TOKEN;
  if (!token) throw new CliError("enroll needs --token (or PATRONUS_TOKEN)", 2);
  let config = await readConfigFile(path);
  if (config) {
    const clash = (flag: string, given: unknown, have: unknown) => {
      if (given !== undefined && given !== have)
        throw new CliError(`${path} already sets ${flag} to ${have}; edit it or use --config`, 2);
    };
    clash("portalUrl", values.url, config.portalUrl);
    clash("stateDir", values["state-dir"], config.stateDir);
    if (values.simulate) clash("simulate", true, config.simulate);
    if (values["simulate-overlay"])
      clash("overlay.simulate", true, config.overlay?.simulate ?? false);
  } else {
    if (!values.url) throw new CliError("enroll needs --url <portal>", 2);
    const input: AgentConfigInput = { portalUrl: values.url };
    if (values["state-dir"]) input.stateDir = resolve(values["state-dir"]);
    if (values.simulate) input.simulate = true;
    if (values["simulate-overlay"]) input.overlay = { simulate: true };
    const dp: Record<string, string> = {};
    if (values.wan) dp.wan = values.wan;
    if (values.lan) dp.lan = values.lan;
    if (values["wan-ingress"]) dp.wanIngress = values["wan-ingress"];
    if (Object.keys(dp).length) input.dataplane = dp as AgentConfigInput["dataplane"];
    await mkdir(dirname(resolve(path)), { recursive: true });
    await writeConfigFile(path, input);
    out(`wrote ${path}`);
    config = await loadConfig(path);
  }
  const store = new FileStore(config.stateDir);
  const existing = await store.loadIdentity();
  if (existing)
    throw new CliError(
      `already enrolled as ${existing.identity} (state in ${config.stateDir}); remove that directory to enroll again`,
      2,
    );
  // The command speaks to a person on stdout; only problems go to the log.
  const log = createLogger(config.logLevel === "debug" ? "debug" : "warn");
  const result = await enroll({
    url: config.portalUrl,
    token,
    store,
    hostname: values.hostname,
    wait: !values["no-wait"],
    log,
    onPending: (deviceId) =>
      out(`device ${deviceId} is pending: approve it in the portal (waiting; Ctrl-C to stop)`),
  });
  if (result.status === "pending") {
    out(`device ${result.deviceId} is pending approval in the portal`);
    out(`"patronus-agent run" finishes enrollment once it is approved`);
  } else {
    out(`enrolled: device ${result.identity.deviceId} (identity ${result.identity.identity})`);
    out(`state saved in ${config.stateDir}; start it with: patronus-agent run --config ${path}`);
  }
  return 0;
}

async function cmdRun(argv: string[], out: Out): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: "string" } } });
  const config = await loadConfig(values.config ?? DEFAULT_CONFIG_PATH);
  const log = createLogger(config.logLevel);
  const store = new FileStore(config.stateDir);
  const stopping = new AbortController();
  let identity = await store.loadIdentity();
  if (!identity) {
    if (!(await store.loadPending()))
      throw new CliError(
        `not enrolled (no identity in ${config.stateDir}): run patronus-agent enroll --url <portal> --token <token>`,
        2,
      );
    log.info("enrollment pending: waiting for approval in the portal");
    identity = (await pollEnrollment(store, { log, signal: stopping.signal })).identity;
  }
  const credentials = await store.loadCredentials();
  if (!credentials)
    throw new CliError(`key or certificates missing in ${config.stateDir}: enroll again`, 2);
  const alog = log.child({ identity: identity.identity });
  const driver = makeDriver(config, alog);
  try {
    await driver.start();
  } catch (e) {
    throw new CliError(`cannot start the data plane: ${(e as Error).message}`, 1);
  }
  const overlay = makeOverlay(config, alog);
  try {
    await overlay?.start();
  } catch (e) {
    throw new CliError(`cannot start the overlay: ${(e as Error).message}`, 1);
  }
  const agent = new Agent({
    identity,
    credentials,
    driver,
    ...(overlay ? { overlay } : {}),
    store,
    log: alog,
    heartbeatSeconds: config.heartbeatSeconds,
    portalUrl: config.portalUrl,
    ...(config.dataplane.netns ? { wanNetns: config.dataplane.netns } : {}),
    // A real data plane counts bytes per application class for the usage report.
    ...(driver instanceof DataplaneDriver ? { appCounters: () => driver.appCounters() } : {}),
  });
  // Before the start: the restored config's path events count too. A port that cannot be
  // had costs the metrics, not the site (as for the health endpoint).
  const metrics: RunningMetrics | null = await startAgentMetrics(
    config.metrics,
    { agent, driver, ...(overlay ? { overlay } : {}) },
    alog,
  ).catch((e) => {
    alog.error("metrics endpoint not started", { error: e });
    return null;
  });
  await agent.start();
  let health: Awaited<ReturnType<typeof startHealthServer>> | null = null;
  if (config.health.port > 0)
    health = await startHealthServer(agent, config.health).catch((e) => {
      alog.error("health endpoint not started", { error: e });
      return null;
    });
  alog.info("agent running", {
    driver: driver.kind,
    health: health?.port,
    metrics: metrics?.endpoint.port,
  });
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      alog.info("stopping", { signal });
      stopping.abort();
      done();
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  await agent.stop();
  await health?.close();
  await metrics?.close();
  await driver.close(); // the data plane keeps running as configured
  await overlay?.close(); // so do tunnels and routes, on the last selection
  out("stopped");
  return 0;
}

async function cmdStatus(argv: string[], out: Out): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: "string" }, json: { type: "boolean" } },
  });
  const config = await loadConfig(values.config ?? DEFAULT_CONFIG_PATH);
  let live: Healthz | null = null;
  if (config.health.port > 0) {
    try {
      const res = await fetch(`http://${config.health.host}:${config.health.port}/healthz`, {
        signal: AbortSignal.timeout(2000),
      });
      live = (await res.json()) as Healthz;
    } catch {
      live = null;
    }
  }
  const store = new FileStore(config.stateDir);
  const identity = await store.loadIdentity().catch(() => null);
  const pending = identity ? null : await store.loadPending().catch(() => null);
  const lastGood = await store.loadLastGood().catch(() => null);
  const info = {
    running: !!live,
    identity: live?.identity ?? identity?.identity ?? null,
    enrollment: identity ? "active" : pending ? "pending" : "none",
    revision: live?.revision ?? lastGood?.revision ?? 0,
    status: live?.status ?? null,
    connected: live?.connected ?? null,
    error: live?.error ?? null,
    mode: config.simulate ? "simulated" : "dataplane",
  };
  if (values.json) out(JSON.stringify(info));
  else {
    out(`identity:   ${info.identity ?? "(not enrolled)"}${pending ? " (pending approval)" : ""}`);
    out(`mode:       ${info.mode}`);
    if (live) {
      out(`agent:      running (${config.health.host}:${config.health.port})`);
      out(`revision:   ${info.revision} (${info.status})`);
      out(`connected:  ${info.connected ? "yes" : "no"}`);
      if (info.error) out(`last error: ${info.error}`);
    } else {
      out(
        config.health.port > 0
          ? `agent:      not running (no answer on ${config.health.host}:${config.health.port})`
          : "agent:      unknown (health endpoint disabled)",
      );
      out(`revision:   ${info.revision} (last good on disk)`);
    }
  }
  if (!live) return 3;
  return live.ok ? 0 : 1;
}

export async function main(argv: string[], out: Out = (l) => console.log(l)): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (!cmd || cmd === "--help" || cmd === "-h" || cmd === "help") {
      out(USAGE);
      return cmd ? 0 : 2;
    }
    if (cmd === "--version" || cmd === "version") {
      out(AGENT_VERSION);
      return 0;
    }
    if (cmd === "enroll") return await cmdEnroll(rest, out);
    if (cmd === "run") return await cmdRun(rest, out);
    if (cmd === "status") return await cmdStatus(rest, out);
    // Not in the usage: a static overlay without the fleet channel (tests, debugging).
    if (cmd === "overlay-run")
      return await overlayRun(rest).catch((e) => {
        throw e instanceof OverlayRunUsageError ? new CliError(e.message, 2) : e;
      });
    throw new CliError(`unknown command "${cmd}" (try --help)`, 2);
  } catch (e) {
    const err = e as Error & { code?: string };
    if (e instanceof CliError) console.error(`patronus-agent: ${e.message}`);
    else if (e instanceof ConfigError || e instanceof StoreError)
      console.error(`patronus-agent: ${e.message}`);
    else if (e instanceof EnrollError)
      console.error(`patronus-agent: enrollment failed: ${e.message}`);
    else if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" || err.code?.startsWith("ERR_PARSE_ARGS"))
      console.error(`patronus-agent: ${err.message} (try --help)`);
    else console.error(`patronus-agent: ${err.stack ?? err.message}`);
    if (e instanceof CliError) return e.exitCode;
    if (e instanceof ConfigError || e instanceof StoreError) return 2;
    if (e instanceof EnrollError)
      return e.code === "unreachable" ? 4 : ["bad_response", "state"].includes(e.code) ? 1 : 3;
    if (err.code?.startsWith("ERR_PARSE_ARGS")) return 2;
    return 1;
  }
}

function invokedDirectly(): boolean {
  try {
    return (
      !!process.argv[1] &&
      realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
}

if (invokedDirectly()) main(process.argv.slice(2)).then((code) => process.exit(code));
