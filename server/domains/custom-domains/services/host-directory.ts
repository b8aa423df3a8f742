// Which org a request's host belongs to: a verified custom domain's org, or null (the main
// app). Read on every request, so answers are cached in this process for a short while;
// a change made here drops the cache at once, other replicas see it within CACHE_MS.
import { getDb } from "../../../platform/db/client";
import { env } from "../../../platform/env";
import { requestHost } from "../../../platform/http/request-host";

const CACHE_MS = 30_000;
const MAX_ENTRIES = 10_000;

/** The org a verified custom domain serves, and the origin a browser sees it at. */
export interface HostOrg {
  orgId: string;
  slug: string;
  name: string;
  hostname: string;
  /** `<APP_URL's scheme>://<host[:port] as the browser asked>`: links and trusted origins. */
  origin: string;
}

type Entry = { org: Omit<HostOrg, "origin"> | null; until: number };
const cache = new Map<string, Entry>();

/** Drops every cached answer (after a domain was added, verified, failed or removed). */
export function forgetHosts() {
  cache.clear();
}

/** The org whose VERIFIED domain `hostname` is, or null. */
export async function orgForHost(hostname: string): Promise<Omit<HostOrg, "origin"> | null> {
  const now = Date.now();
  const hit = cache.get(hostname);
  if (hit && hit.until > now) return hit.org;
  const rows = await getDb().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.domain_directory', 'on', true)`;
    return tx.$queryRaw<{ orgId: string; slug: string; name: string }[]>`
      SELECT d."orgId", o.slug, o.name FROM custom_domains d
      JOIN organizations o ON o.id = d."orgId"
      WHERE d."servedHostname" = ${hostname}`;
  });
  const org = rows[0] ? { ...rows[0], hostname } : null;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(hostname, { org, until: now + CACHE_MS });
  return org;
}

/**
 * The custom domain a request came in on, or null for the main app: no stamped host, the
 * portal's own host, an IP literal, or a host that is not a verified domain.
 */
export async function hostOrgOf(headers: Headers | undefined): Promise<HostOrg | null> {
  const host = requestHost(headers);
  if (!host) return null;
  const app = new URL(env.APP_URL);
  if (host.hostname === app.hostname) return null;
  const org = await orgForHost(host.hostname);
  return org ? { ...org, origin: `${app.protocol}//${host.authority}` } : null;
}
