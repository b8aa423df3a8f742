// The benchmark's org, made the way a customer's is: a signed-in user (through the auth
// routes) creates it with tRPC's org.create and an API key with apiKey.create, both over
// HTTP on the benchmark's server. Only the 10,000 sites go in directly, as one INSERT …
// SELECT generate_series on the owner connection (site.create through the API would take
// minutes: it writes an audit row and bumps the fleet revision per site).
// Imported after bench-env has set process.env (server modules read it once).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { billingState } from "../../server/domains/billing";
import { DEFAULT_SITE_SETTINGS } from "../../server/domains/sites/schemas";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { env } from "../../server/platform/env";
import { signedInUser } from "../../testkit/factories/http-session";

export interface ApiBenchOrg {
  orgId: string;
  orgSlug: string;
  /** The owner's session cookie (`name=value`), for the tRPC side. */
  cookie: string;
  /** The API key (site.read only), for the REST side. */
  token: string;
  /** The org's API rates from its billing state (unlimited when billing is off). */
  apiRate: { perKey: number; perOrg: number };
}

/** A tRPC call over HTTP with the session cookie; returns the procedure's answer. */
export async function trpc<T>(
  base: string,
  cookie: string,
  path: string,
  input: unknown,
  method: "GET" | "POST" = "GET",
): Promise<T> {
  const body = JSON.stringify({ json: input });
  const res =
    method === "GET"
      ? await fetch(`${base}/api/trpc/${path}?input=${encodeURIComponent(body)}`, {
          headers: { cookie },
        })
      : await fetch(`${base}/api/trpc/${path}`, {
          method: "POST",
          headers: { cookie, "content-type": "application/json" },
          body,
        });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`tRPC ${path}: ${res.status} ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { result: { data: { json: T } } }).result.data.json;
}

export async function createApiBenchOrg(base: string, sites: number): Promise<ApiBenchOrg> {
  const user = await signedInUser();
  const tag = randomBytes(4).toString("hex");
  const org = await trpc<{ id: string; slug: string }>(
    base,
    user.cookie,
    "org.create",
    { name: `API bench ${tag}`, slug: `api-bench-${tag}` },
    "POST",
  );
  const { token } = await trpc<{ token: string }>(
    base,
    user.cookie,
    "apiKey.create",
    { orgSlug: org.slug, name: "bench", scopes: ["site.read"] },
    "POST",
  );

  const owner = new pg.Client({ connectionString: env.DATABASE_URL });
  await owner.connect();
  try {
    // Ids like cuids (25 characters, random order unrelated to the names' order).
    await owner.query(
      `INSERT INTO sites (id, "orgId", name, description, settings, "createdAt", "updatedAt")
       SELECT 'c' || substr(md5($3 || i::text), 1, 24), $1,
              'site-' || lpad(i::text, 5, '0'), 'benchmark site ' || i, $2::jsonb,
              now() - (i || ' seconds')::interval, now()
       FROM generate_series(0, $4 - 1) AS i`,
      [org.id, JSON.stringify(DEFAULT_SITE_SETTINGS), tag, sites],
    );
    // This server may run without autovacuum: give the planner the statistics it would have.
    await owner.query("VACUUM (ANALYZE) sites");
  } finally {
    await owner.end();
  }

  const state = await withScope(getDb(), { orgId: org.id }, (tx) => billingState(tx, org.id));
  return {
    orgId: org.id,
    orgSlug: org.slug,
    cookie: user.cookie,
    token,
    apiRate: {
      perKey: state.limits.apiCallsPerKeyMinute,
      perOrg: state.limits.apiCallsPerOrgMinute,
    },
  };
}
