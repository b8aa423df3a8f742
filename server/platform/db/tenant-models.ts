/**
 * Which models belong to one organization. Default deny: every model is tenant-owned
 * (it carries `orgId`, is covered by a row-level-security policy in the migrations, and
 * is guarded by tenant-guard.ts) unless it is listed here as global. A new area's tables
 * are therefore guarded without a line here; test/platform/db/isolation-layers.int.test.ts
 * checks the lists against the database.
 */
export const GLOBAL_MODELS: Record<string, { table: string; why: string }> = {
  User: { table: "users", why: "sign-in (better-auth)" },
  Session: { table: "sessions", why: "sign-in (better-auth)" },
  Account: { table: "accounts", why: "sign-in (better-auth)" },
  Verification: { table: "verifications", why: "sign-in (better-auth)" },
  Organization: { table: "organizations", why: "the tenant registry, read by id or slug" },
  MailOutbox: { table: "mail_outbox", why: "the platform's mail queue, addressed to people" },
  StripeEvent: { table: "stripe_events", why: "Stripe's event ids, before they name an org" },
  FleetTrust: { table: "fleet_trust", why: "public CA certificates and CRLs" },
  Blob: { table: "blobs", why: "the database storage driver's objects, by platform-made key" },
};

/**
 * The keys a query on a tenant model may be scoped by besides `orgId`. They mirror the RLS
 * policies: a user may list their own memberships in every org, whoever holds an
 * invitation's or enrollment token's secret may read it, a pending device polls by its token,
 * an API key is looked up by its token's hash to authenticate a request.
 */
export const EXTRA_SCOPE_KEYS: Record<string, readonly string[]> = {
  Membership: ["userId"],
  Invitation: ["tokenHash"],
  EnrollmentToken: ["tokenHash"],
  Device: ["pollTokenHash"],
  ApiKey: ["secretHash"],
};

/** The keys that scope a query on `model`, or null for a global model. */
export function scopeKeysOf(model: string): readonly string[] | null {
  if (model in GLOBAL_MODELS) return null;
  return ["orgId", ...(EXTRA_SCOPE_KEYS[model] ?? [])];
}

/** Tables keyed by orgId on purpose without row-level security, and why. */
export const PUBLIC_ORG_TABLES: Record<string, string> = {
  fleet_trust: "public CA certificates and CRLs, which the broker trusts for every org",
};
