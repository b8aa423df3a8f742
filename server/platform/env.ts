import { isIP } from "node:net";
import { z } from "zod";
import { parseDnsServers } from "./dns/servers";
import { parseCidrList } from "./http/cidr";
import { parseTrustedProxies } from "./http/client-ip";
import { parseRedisClusterNodes } from "./redis-nodes";
import { parseOtlpHeaders } from "./tracing/headers";

const zPort = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a port number (0: off)` })
    .int(`${name} must be a port number (0: off)`)
    .min(0, `${name} must be a port number (0: off)`)
    .max(65_535, `${name} must be a port number (0: off)`)
    .default(0);

/** A string (empty by default) that `parse` accepts; its error is the variable's message. */
const zParsedList = (parse: (value: string) => unknown, o: { max?: number } = {}) =>
  (o.max ? z.string().max(o.max) : z.string()).default("").superRefine((value, ctx) => {
    try {
      parse(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  });

/** Empty, or an http(s) URL of an OTLP/HTTP receiver. */
const zOtlpUrl = (name: string) =>
  z
    .union([
      z.literal(""),
      z.url({ protocol: /^https?$/, error: `${name} must be an http(s) URL (empty: tracing off)` }),
    ])
    .default("");

// Configuration is validated once, here. Nothing else reads process.env directly.
// Every variable is listed with its default in .env.example.
const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** Lines below this level are not logged (server/platform/log). */
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Owner connection: migrations, role setup, seed. Never used to serve requests. */
  DATABASE_URL: z.url().default("postgresql://postgres@127.0.0.1:5432/patronus"),
  /** Runtime connection as a role that row-level security applies to. */
  APP_DATABASE_URL: z.url().default("postgresql://patronus_app@127.0.0.1:5432/patronus"),
  /**
   * Connections per process to PostgreSQL. One user's calls use at most 4 at once
   * (server/platform/http/user-budget.ts), so one user can never take them all.
   */
  DATABASE_POOL_MAX: z.coerce.number().int().min(5).max(500).default(10),
  /**
   * A streaming replica (hot standby) of the database, as the application role: the
   * procedures marked replica-safe read there (docs/database.md, "Read replica"). Empty: off.
   */
  DATABASE_REPLICA_URL: z
    .union([
      z.literal(""),
      z.url({
        protocol: /^postgres(ql)?$/,
        error: "DATABASE_REPLICA_URL must be a postgresql:// URL (empty: no replica)",
      }),
    ])
    .default(""),
  /** A replica further behind the primary than this (ms) is not read; the primary answers. */
  DATABASE_REPLICA_MAX_LAG_MS: z.coerce
    .number({ error: "DATABASE_REPLICA_MAX_LAG_MS must be a whole number of milliseconds" })
    .int("DATABASE_REPLICA_MAX_LAG_MS must be a whole number of milliseconds")
    .min(0, "DATABASE_REPLICA_MAX_LAG_MS must be a whole number of milliseconds")
    .max(600_000, "DATABASE_REPLICA_MAX_LAG_MS must be at most 600000 (10 minutes)")
    .default(2_000),
  /** The Redis server (one node); unused when REDIS_CLUSTER_NODES is set. */
  REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
  /**
   * Seed nodes of a Redis Cluster (host:port or redis[s]:// URLs, comma-separated); empty:
   * REDIS_URL is a single Redis (docs/architecture.md, "Redis Cluster").
   */
  REDIS_CLUSTER_NODES: zParsedList(parseRedisClusterNodes, { max: 8192 }),
  /**
   * Prefix for Redis keys and BullMQ queues, so several stacks can share one Redis. BullMQ's
   * keys sit under it as a hash tag (`{patronus}`), so it holds no braces.
   */
  REDIS_PREFIX: z
    .string()
    .regex(/^[^{}]+$/, "REDIS_PREFIX must be non-empty, without { or }")
    .default("patronus"),
  APP_URL: z.url().default("http://localhost:3000"),
  AUTH_SECRET: z
    .string()
    .min(32, "AUTH_SECRET must be at least 32 characters")
    .default("dev-only-secret-change-me-in-production-0123456789"),
  /** smtp://user:pass@host:port; empty means mail is only recorded in the outbox. */
  SMTP_URL: z.string().default(""),
  MAIL_FROM: z.string().default("Patronus <no-reply@patronus.local>"),
  /**
   * Shows /dev/outbox (every sent email) to platform operators. Off unless set; never on
   * when NODE_ENV=production, whatever it says (docs/security.md).
   */
  MAIL_OUTBOX_UI: z.stringbool().default(false),
  /** Emails of the platform's operators (verified accounts), comma-separated. */
  PLATFORM_OPERATORS: z
    .string()
    .default("")
    .transform((list) =>
      list
        .split(",")
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    ),
  /** Sign-in attempts allowed per window, per (account, client) pair; 5x per client. */
  SIGNIN_MAX_ATTEMPTS: z.coerce.number().int().positive().default(10),
  SIGNIN_WINDOW_SECONDS: z.coerce.number().int().positive().default(300),
  /**
   * Proxies in front of the portal whose X-Forwarded-For is believed: empty (none, the
   * socket's address is the client's), a hop count, or addresses/CIDRs (docs/security.md).
   */
  TRUSTED_PROXIES: zParsedList(parseTrustedProxies),

  // --- Metrics (docs/observability.md) ---
  /** Address every process's metrics endpoint binds to (an IP address). */
  METRICS_HOST: z
    .string()
    .refine((h) => isIP(h) !== 0, "METRICS_HOST must be an IP address (127.0.0.1, ::1, 0.0.0.0)")
    .default("127.0.0.1"),
  /** Port of the portal's /metrics; 0: not served. */
  METRICS_PORT_PORTAL: zPort("METRICS_PORT_PORTAL"),
  /** Port of a worker's /metrics; 0: not served (each replica on one host needs its own). */
  METRICS_PORT_WORKER: zPort("METRICS_PORT_WORKER"),
  /** Port of the fleet broker process's /metrics; 0: not served. */
  METRICS_PORT_FLEET: zPort("METRICS_PORT_FLEET"),
  /** Bearer token the metrics endpoints ask for; empty: none (loopback only, in production). */
  METRICS_TOKEN: z
    .union([
      z.literal(""),
      z
        .string()
        .regex(
          /^[\x21-\x7e]{16,256}$/,
          "METRICS_TOKEN must be 16 to 256 printable characters without spaces",
        ),
    ])
    .default(""),

  // --- Traces (docs/observability.md, "Traces") ---
  /** OTLP/HTTP base URL (…/v1/traces is appended); empty with the next one: tracing is off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: zOtlpUrl("OTEL_EXPORTER_OTLP_ENDPOINT"),
  /** The traces endpoint itself (used as is); wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: zOtlpUrl("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
  /** Headers sent with every export (a collector's token): `key=value,key2=value2`. */
  OTEL_EXPORTER_OTLP_HEADERS: zParsedList(parseOtlpHeaders, { max: 4096 }),
  /** Share of new traces recorded (0 to 1); a trace begun elsewhere follows its parent. */
  TRACES_SAMPLE_RATIO: z.coerce
    .number({ error: "TRACES_SAMPLE_RATIO must be a number from 0 to 1" })
    .min(0, "TRACES_SAMPLE_RATIO must be a number from 0 to 1")
    .max(1, "TRACES_SAMPLE_RATIO must be a number from 0 to 1")
    .default(1),

  // --- Fleet (docs/fleet.md) ---
  /** 32 bytes, hex: seals every org CA's private key at rest. */
  FLEET_MASTER_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, "FLEET_MASTER_KEY must be 64 hex characters (32 bytes)")
    .default("0".repeat(64)), // development only: refused in production
  /** Platform PKI: the CA of the broker's server certificate and the control plane's identity. */
  FLEET_PKI_DIR: z.string().default(".data/fleet-pki"),
  /** Broker the control plane connects to. */
  FLEET_MQTT_URL: z.string().default("mqtts://127.0.0.1:8883"),
  /** Broker URL handed to agents at enrollment; defaults to FLEET_MQTT_URL. */
  FLEET_AGENT_MQTT_URL: z.string().optional(),
  /** embedded: the fleet process runs Aedes. mosquitto: it keeps Mosquitto's trust files. */
  FLEET_BROKER: z.enum(["embedded", "mosquitto"]).default("embedded"),
  /**
   * off: the embedded broker is alone (one fleet process). redis: embedded brokers share
   * messages, retained state and shared subscriptions through Redis, so that any number of
   * fleet processes serve the same fleet (docs/fleet.md, "Several brokers").
   */
  FLEET_BROKER_CLUSTER: z.enum(["off", "redis"]).default("off"),
  /**
   * The brokers' Redis when it is not the stack's (REDIS_URL or REDIS_CLUSTER_NODES): one
   * server, redis:// or rediss://. Empty: the stack's.
   */
  FLEET_BROKER_REDIS_URL: z
    .union([
      z.literal(""),
      z.url({
        protocol: /^rediss?$/,
        error:
          "FLEET_BROKER_REDIS_URL must be a redis:// or rediss:// URL (empty: the stack's Redis)",
      }),
    ])
    .default(""),
  /** Directory of Mosquitto's ca/crl/acl files, and its pid file, when FLEET_BROKER=mosquitto. */
  FLEET_MOSQUITTO_DIR: z.string().default(".data/mosquitto"),
  /** Lifetime of a device certificate; agents renew at two thirds of it. */
  FLEET_DEVICE_CERT_HOURS: z.coerce.number().positive().default(24),
  /** A rollout's canary stage halts when its devices have not all answered by then. */
  FLEET_CANARY_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(120),
  /** Run the ingest of device reports in this worker (off for compile-only workers). */
  FLEET_INGEST: z.stringbool().default(true),

  // --- Overlay (docs/overlay.md) ---
  /** Path measurements (path_samples) older than this are deleted by the workers' sweep. */
  PATH_SAMPLE_RETENTION_HOURS: z.coerce.number().positive().default(24),
  /** Path events (the incident timeline) older than this are deleted by the workers' sweep. */
  PATH_EVENT_RETENTION_DAYS: z.coerce.number().positive().default(30),

  // --- Billing (docs/billing.md) ---
  /** sk_test_… / sk_live_…. Empty: billing is off and every org is unlimited (self-hosted). */
  STRIPE_SECRET_KEY: z.string().default(""),
  /** whsec_…: verifies /api/webhooks/stripe. Required when STRIPE_SECRET_KEY is set. */
  STRIPE_WEBHOOK_SECRET: z.string().default(""),
  /** Where the Stripe SDK sends requests; empty: https://api.stripe.com. */
  STRIPE_API_URL: z.union([z.literal(""), z.url()]).default(""),
  /** Recurring per-site price of the standard plan (its quantity is the site count). */
  STRIPE_PRICE_SITE: z.string().default(""),
  /** Metered price of data transfer (per MB, the first tier free), on the meter below. */
  STRIPE_PRICE_DATA: z.string().default(""),
  /** event_name of the Stripe billing meter that sums data transfer in megabytes. */
  STRIPE_METER_EVENT: z.string().default("patronus_data_transfer_mb"),
  /** Days between a failed payment and the org going read-only. */
  BILLING_GRACE_DAYS: z.coerce.number().min(0).default(7),

  // --- Webhooks (docs/webhooks.md) ---
  /** 32 bytes, hex: seals every webhook endpoint's signing secret at rest. */
  WEBHOOK_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, "WEBHOOK_SECRET_KEY must be 64 hex characters (32 bytes)")
    .default("0".repeat(64)), // development only: refused in production
  /**
   * Addresses/CIDRs webhooks may be delivered to although they are private, loopback or
   * otherwise refused (a receiver on the operator's own network; tests: 127.0.0.1/32).
   */
  WEBHOOK_ALLOW_CIDRS: zParsedList((value) => parseCidrList(value, "WEBHOOK_ALLOW_CIDRS")),
  /** One delivery attempt may take this long, connecting and answering included. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** PagerDuty's Events API v2 (an EU account uses https://events.eu.pagerduty.com/v2/enqueue). */
  PAGERDUTY_EVENTS_URL: z.url().default("https://events.pagerduty.com/v2/enqueue"),
  /** A failed alert notification is retried after about this long, doubling each time (8 attempts). */
  ALERT_NOTIFY_BACKOFF_MS: z.coerce.number().int().min(10).max(600_000).default(5_000),
  /** How often the alert sweep looks for orgs that are due (changes kick their org at once). */
  ALERT_EVALUATE_EVERY_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
  /** Every org is evaluated at least this often, changed or not (expiring certificates, quota). */
  ALERT_FULL_EVERY_MS: z.coerce.number().int().min(10_000).max(86_400_000).default(300_000),

  // --- SLA reports (docs/reports.md) ---
  /** The Chromium that prints reports as PDF (Debian's package; playwright-core drives it). */
  REPORT_CHROMIUM_PATH: z
    .string()
    .regex(/^\/\S+$/, "REPORT_CHROMIUM_PATH must be an absolute path")
    .default("/usr/bin/chromium"),
  /** A delivery is retried this long after it was created (or replayed), then dead-lettered. */
  WEBHOOK_RETRY_HOURS: z.coerce.number().positive().default(24),
  /** The first retry waits about this long; each next one twice as long (at most an hour). */
  WEBHOOK_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(30_000),
  /** After a rotation, the previous secret still signs deliveries this long. */
  WEBHOOK_ROTATION_HOURS: z.coerce.number().positive().default(24),
  /** Deliveries of one endpoint in flight at once: a slow receiver holds at most these. */
  WEBHOOK_ENDPOINT_IN_FLIGHT: z.coerce.number().int().min(1).max(32).default(4),

  // --- Custom domains (docs/custom-domains.md) ---
  /**
   * Resolvers that check domains' TXT records: ip[:port] or [ipv6][:port], comma-separated;
   * empty: the system's.
   */
  DNS_SERVERS: zParsedList(parseDnsServers),
  /** One DNS lookup waits this long for an answer, per server. */
  DNS_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3_000),
  /** A verified domain's TXT record is checked again this often (it fails once it is gone). */
  DOMAIN_RECHECK_MINUTES: z.coerce.number().int().min(1).default(60),
  // --- Storage (docs/storage.md) ---
  /** Where uploaded files (brand images) live: database (default), filesystem or s3. */
  STORAGE_DRIVER: z.enum(["database", "filesystem", "s3"]).default("database"),
  /** The filesystem driver's directory. */
  STORAGE_DIR: z.string().min(1).default(".data/storage"),
  /** The s3 driver: an S3-compatible service, addressed path-style (<endpoint>/<bucket>/<key>). */
  S3_ENDPOINT: z.union([z.literal(""), z.url({ protocol: /^https?$/ })]).default(""),
  S3_BUCKET: z
    .union([
      z.literal(""),
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "S3_BUCKET is not a valid bucket name"),
    ])
    .default(""),
  S3_REGION: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/, "S3_REGION is not a region name")
    .default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().default(""),
  S3_SECRET_ACCESS_KEY: z.string().default(""),
});

export type Env = z.infer<typeof ZEnv>;

/** The configuration in `source`, validated; throws naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const building = source.NEXT_PHASE === "phase-production-build";
  if (
    parsed.data.NODE_ENV === "production" &&
    !building &&
    parsed.data.AUTH_SECRET.startsWith("dev-only")
  ) {
    throw new Error("Invalid configuration:\n  AUTH_SECRET: set a real secret in production");
  }
  if (
    parsed.data.NODE_ENV === "production" &&
    !building &&
    /^0+$/.test(parsed.data.FLEET_MASTER_KEY)
  ) {
    throw new Error("Invalid configuration:\n  FLEET_MASTER_KEY: set a real key in production");
  }
  if (
    parsed.data.NODE_ENV === "production" &&
    !building &&
    /^0+$/.test(parsed.data.WEBHOOK_SECRET_KEY)
  ) {
    throw new Error("Invalid configuration:\n  WEBHOOK_SECRET_KEY: set a real key in production");
  }
  if (!building && parsed.data.STRIPE_SECRET_KEY) {
    const missing = (["STRIPE_WEBHOOK_SECRET", "STRIPE_PRICE_SITE", "STRIPE_PRICE_DATA"] as const)
      .filter((k) => !parsed.data[k])
      .map((k) => `  ${k}: required when STRIPE_SECRET_KEY is set (see docs/billing.md)`);
    if (missing.length) throw new Error(`Invalid configuration:\n${missing.join("\n")}`);
  }
  if (!building && parsed.data.STORAGE_DRIVER === "s3") {
    const missing = (
      ["S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const
    )
      .filter((k) => !parsed.data[k])
      .map((k) => `  ${k}: required when STORAGE_DRIVER=s3 (see docs/storage.md)`);
    if (missing.length) throw new Error(`Invalid configuration:\n${missing.join("\n")}`);
  }
  const metricsPorts = [
    parsed.data.METRICS_PORT_PORTAL,
    parsed.data.METRICS_PORT_WORKER,
    parsed.data.METRICS_PORT_FLEET,
  ];
  if (
    parsed.data.NODE_ENV === "production" &&
    !building &&
    metricsPorts.some((p) => p > 0) &&
    !["127.0.0.1", "::1"].includes(parsed.data.METRICS_HOST) &&
    !parsed.data.METRICS_TOKEN
  ) {
    throw new Error(
      "Invalid configuration:\n  METRICS_TOKEN: required when METRICS_HOST is not loopback in production (docs/observability.md)",
    );
  }
  if (parsed.data.FLEET_BROKER_CLUSTER === "redis" && parsed.data.FLEET_BROKER !== "embedded") {
    throw new Error(
      "Invalid configuration:\n  FLEET_BROKER_CLUSTER: redis clusters the embedded broker; with FLEET_BROKER=mosquitto, leave it off and cluster the broker itself (docs/fleet.md)",
    );
  }
  // The outbox shows every account link the product mails: never in production.
  const outbox = parsed.data.MAIL_OUTBOX_UI && parsed.data.NODE_ENV !== "production";
  return { ...parsed.data, MAIL_OUTBOX_UI: outbox };
}

export const env: Env = parseEnv(process.env);
