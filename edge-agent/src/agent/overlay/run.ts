// `patronus-agent overlay-run`: one device's overlay from a static config, without the
// fleet channel, for test beds and debugging on a box (run it inside the box's network
// namespace: `ip netns exec <ns> patronus-agent overlay-run --config overlay.json`).
// stdout: JSON lines {type: "ready" | "event" | "status" | "switch" | "segment-switch" |
// "report" | "applied" | "error"}. stdin: JSON lines {cmd: "apply", config?} |
// {cmd: "report"} | {cmd: "exit", teardown?}. EOF on stdin or SIGTERM ends it (tearing
// down, unless --keep).
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { type OverlayConfig, ZOverlayConfig } from "../../../../protocol";
import { createLogger, LOG_LEVELS, type LogLevel } from "../log";
import { Overlay } from "./overlay";

export const OVERLAY_RUN_USAGE = `patronus-agent overlay-run --config <overlay.json> --state-dir <dir>
      [--wireguard-go <path>] [--probe-port <n>] [--keep] [--log-level debug|info|warn|error]`;

/** A mistake in the command line or the config file (exit code 2). */
export class OverlayRunUsageError extends Error {
  override name = "OverlayRunUsageError";
}

function parseConfig(json: unknown, source: string): OverlayConfig {
  const r = ZOverlayConfig.safeParse(json);
  if (r.success) return r.data;
  const problems = r.error.issues.map(
    (i) => `  ${i.path.join(".") || "(top level)"}: ${i.message}`,
  );
  throw new OverlayRunUsageError(
    `${source} is not a valid overlay config:\n${problems.join("\n")}`,
  );
}

export async function overlayRun(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string" },
      "state-dir": { type: "string" },
      "wireguard-go": { type: "string" },
      "probe-port": { type: "string" },
      keep: { type: "boolean" },
      "log-level": { type: "string" },
    },
  });
  if (!values.config || !values["state-dir"])
    throw new OverlayRunUsageError(
      `overlay-run needs --config and --state-dir\n${OVERLAY_RUN_USAGE}`,
    );
  const level = (values["log-level"] ?? "warn") as LogLevel;
  if (!LOG_LEVELS.includes(level))
    throw new OverlayRunUsageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(values.config, "utf8"));
  } catch (e) {
    throw new OverlayRunUsageError(`cannot read ${values.config}: ${(e as Error).message}`);
  }
  const config = parseConfig(json, values.config);
  const print = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  const overlay = new Overlay({
    stateDir: values["state-dir"],
    log: createLogger(level),
    wireguardGo: values["wireguard-go"],
    probePort: values["probe-port"] ? Number(values["probe-port"]) : undefined,
    logDir: values["state-dir"],
  });
  overlay.on("event", (event) => print({ type: "event", event }));
  overlay.on("status", (status) => print({ type: "status", status }));
  overlay.on("switch", (info) => print({ type: "switch", ...info }));
  overlay.on("segment-switch", (info) => print({ type: "segment-switch", ...info }));
  await overlay.start();
  await overlay.apply(config);
  print({ type: "ready", publicKey: overlay.publicKey, pids: overlay.pids() });

  let current: OverlayConfig | undefined = config;
  const report = async () =>
    print({
      type: "report",
      report: await overlay.report(),
      probeBytesPerSecond: overlay.probeRates(),
    });
  let timer = setInterval(() => void report(), config.settings.telemetryIntervalMs);

  let finishing: Promise<number> | null = null;
  const finish = (teardown: boolean) => {
    finishing ??= (async () => {
      clearInterval(timer);
      await overlay.close({ teardown });
      print({ type: "closed", teardown });
      return 0;
    })();
    return finishing;
  };
  const keep = !!values.keep;
  process.once("SIGTERM", () => void finish(!keep).then(() => process.exit(0)));
  process.once("SIGINT", () => void finish(!keep).then(() => process.exit(0)));

  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    try {
      const msg = JSON.parse(line) as { cmd: string; config?: unknown; teardown?: boolean };
      if (msg.cmd === "apply") {
        current = msg.config === undefined ? undefined : parseConfig(msg.config, "apply");
        await overlay.apply(current);
        if (current) {
          clearInterval(timer);
          timer = setInterval(() => void report(), current.settings.telemetryIntervalMs);
        }
        print({ type: "applied", pids: overlay.pids() });
      } else if (msg.cmd === "report") await report();
      else if (msg.cmd === "exit") return finish(msg.teardown ?? !keep);
      else print({ type: "error", error: `unknown command ${msg.cmd}` });
    } catch (e) {
      print({ type: "error", error: (e as Error).message });
    }
  }
  return finish(!keep);
}
