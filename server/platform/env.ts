import { z } from "zod";
import { parseTrustedProxies } from "./http/client-ip";

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
  REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
  /** Prefix for Redis keys and BullMQ queues, so several stacks can share one Redis. */
  REDIS_PREFIX: z.string().min(1).default("patronus"),
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
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .superRefine((value, ctx) => {
      try {
        parseTrustedProxies(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),

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
  if (!building && parsed.data.STRIPE_SECRET_KEY) {
    const missing = (["STRIPE_WEBHOOK_SECRET", "STRIPE_PRICE_SITE", "STRIPE_PRICE_DATA"] as const)
      .filter((k) => !parsed.data[k])
      .map((k) => `  ${k}: required when STRIPE_SECRET_KEY is set (see docs/billing.md)`);
    if (missing.length) throw new Error(`Invalid configuration:\n${missing.join("\n")}`);
  }
  // The outbox shows every account link the product mails: never in production.
  const outbox = parsed.data.MAIL_OUTBOX_UI && parsed.data.NODE_ENV !== "production";
  return { ...parsed.data, MAIL_OUTBOX_UI: outbox };
}

export const env: Env = parseEnv(process.env);
