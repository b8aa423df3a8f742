// The agent's own configuration file (JSON, default /etc/patronus/agent.json), validated
// once at start-up. Everything about the device's network comes from the portal; this
// file only says where the portal is, where state lives and how to reach the data plane
// and the overlay's tools.
import { readFile } from "node:fs/promises";
import { isIP, isIPv4 } from "node:net";
import { z } from "zod";
import { ZIfname } from "../../../protocol";
import { zText } from "../../../protocol/text";
import { writeFileAtomic } from "./fs-atomic";
import { LOG_LEVELS } from "./log";

export const DEFAULT_CONFIG_PATH = "/etc/patronus/agent.json";
export const DEFAULT_STATE_DIR = "/var/lib/patronus";
export const DEFAULT_HEALTH_PORT = 9469;

/** 127.0.0.0/8 and ::1: an address only this box can reach. */
export const isLoopback = (ip: string) =>
  isIPv4(ip) ? ip.startsWith("127.") : ip === "::1" || ip === "0:0:0:0:0:0:0:1";

/**
 * The Prometheus endpoint (docs/observability.md, "Agent metrics"): off unless a port is
 * given; an address off loopback only with a bearer token, as METRICS_HOST/METRICS_TOKEN on
 * the server.
 */
const ZMetricsConfig = z
  .strictObject({
    host: zText()
      .refine((h) => isIP(h) !== 0, "must be an IP address (127.0.0.1, ::1, 0.0.0.0)")
      .default("127.0.0.1"),
    /** 0 (default): not served. */
    port: z.number().int().min(0).max(65535).default(0),
    /** Scrapers then send `Authorization: Bearer <token>`. */
    token: zText()
      .regex(/^[\x21-\x7e]{16,256}$/, "must be 16 to 256 printable characters without spaces")
      .optional(),
  })
  .refine((m) => m.port === 0 || isLoopback(m.host) || m.token !== undefined, {
    message:
      "an address off loopback needs a token (metrics.token): the metrics name paths, links and classes",
    path: ["token"],
  });

const httpUrl = z.url({
  protocol: /^https?$/,
  message: "must be a URL such as https://portal.example.com (http:// only for testing)",
});

export const ZAgentConfig = z.strictObject({
  portalUrl: httpUrl,
  stateDir: zText().min(1).default(DEFAULT_STATE_DIR),
  simulate: z.boolean().default(false),
  /** Local overrides of the links the portal names, and where the data plane's files are. */
  dataplane: z
    .strictObject({
      wan: ZIfname.optional(),
      lan: ZIfname.optional(),
      wanIngress: z.enum(["native", "generic", "tc"]).optional(),
      netns: zText().min(1).optional(),
      bpfObject: zText().min(1).optional(),
      loaderPath: zText().min(1).optional(),
      pinDir: zText().min(1).optional(),
    })
    .default({}),
  /** Tunnels and path steering (docs/overlay.md); runs when the portal sends an overlay.
   * Optional, without defaults filled in, so files written before it stay as they were. */
  overlay: z
    .strictObject({
      /** false: this box runs no overlay (and publishes no tunnel key). Default true. */
      enabled: z.boolean().optional(),
      /** Userspace WireGuard, used when the kernel has no WireGuard module. */
      wireguardGo: zText().min(1).optional(),
      /** UDP port of the probe responder; every box of an org must use the same. */
      probePort: z.number().int().min(1).max(65535).optional(),
      /** true: a simulated overlay (demos, browser tests): a real tunnel key and the real
       * path selection over synthetic probe windows; no tunnels, routes or probes. */
      simulate: z.boolean().optional(),
    })
    .optional(),
  health: z
    .strictObject({
      host: zText().min(1).default("127.0.0.1"),
      /** 0 turns the endpoint off. */
      port: z.number().int().min(0).max(65535).default(DEFAULT_HEALTH_PORT),
    })
    .default({ host: "127.0.0.1", port: DEFAULT_HEALTH_PORT }),
  metrics: ZMetricsConfig.default({ host: "127.0.0.1", port: 0 }),
  heartbeatSeconds: z.number().int().min(1).max(3600).default(30),
  logLevel: z.enum(LOG_LEVELS).default("info"),
});
export type AgentConfig = z.infer<typeof ZAgentConfig>;
export type AgentConfigInput = z.input<typeof ZAgentConfig>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Validates parsed JSON; the error names the file, the field and what is wrong. */
export function parseConfig(json: unknown, source = "config"): AgentConfig {
  const r = ZAgentConfig.safeParse(json);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => {
    const where = i.path.length ? i.path.join(".") : "(top level)";
    return `  ${where}: ${i.message}`;
  });
  throw new ConfigError(`${source} is not valid:\n${problems.join("\n")}`);
}

export async function readConfigFile(path: string): Promise<AgentConfig | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new ConfigError(`cannot read ${path}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseConfig(json, path);
}

export async function loadConfig(path: string): Promise<AgentConfig> {
  const c = await readConfigFile(path);
  if (!c)
    throw new ConfigError(
      `${path} does not exist: enroll first (patronus-agent enroll --url <portal> --token <token>)`,
    );
  return c;
}

/** Writes only what was given (defaults stay implicit, so upgrades can change them). */
export async function writeConfigFile(path: string, input: AgentConfigInput): Promise<void> {
  parseConfig(input, path);
  await writeFileAtomic(path, `${JSON.stringify(input, null, 2)}\n`, 0o644);
}
