// The REST API on a loopback HTTP server in the test process: the same route handlers the
// portal mounts under /api/v1 (no Next.js build needed), for the SDK, CLI and Ansible tests
// and the API benchmark. `apiOrg()` makes an org with an owner, sites and an API key.
// `useApiServer()` gives a test file its server and `call`; `allPages` reads a whole list.
import { afterAll, beforeAll } from "vitest";
import type { SessionUser } from "../server/domains/identity/auth/session";
import { getDb } from "../server/platform/db/client";
import { withScope } from "../server/platform/db/with-tenant";
import { closeQueues } from "../server/platform/jobs/queues";
import { getRedis } from "../server/platform/redis";
import { callerFor, createOrgWithOwner } from "./factories/identity";
import { type ApiServer, startApiServer } from "./stack/portal-server";

export { type ApiServer, startApiServer };

/** A REST call with `token` (none: unauthenticated) to `server`, JSON in, `headers` added. */
export function restCall(server: { readonly url: string }) {
  return (
    token: string | null,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
}

/** A page of a list as the API answers it. */
export interface RestPage<T = { id: string }> {
  items: T[];
  next: string | null;
}

/**
 * Every item of a list, page after page (`limit` each), following `next`: how a client
 * reads a whole list.
 */
export async function allPages<T>(
  call: ReturnType<typeof restCall>,
  token: string,
  path: string,
  limit: number,
) {
  const items: T[] = [];
  const sep = path.includes("?") ? "&" : "?";
  let next: string | null = null;
  let pages = 0;
  do {
    const cursor: string = next ? `&cursor=${next}` : "";
    const res = await call(token, "GET", `${path}${sep}limit=${limit}${cursor}`);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as RestPage<T>;
    items.push(...body.items);
    next = body.next;
    pages++;
  } while (next);
  return { items, pages };
}

/**
 * A new API key of `user` in `orgSlug` (an org of theirs or, for an MSP's member, one of its
 * customer orgs) with `scopes`: every scope they hold there when omitted.
 */
export async function apiKeyFor(user: SessionUser, orgSlug: string, scopes?: string[]) {
  const api = callerFor(user);
  const granted = scopes ?? (await api.apiKey.scopes({ orgSlug })).map((s) => s.name);
  const { token } = await api.apiKey.create({ orgSlug, name: "test client", scopes: granted });
  return token;
}

/**
 * An org (an MSP with `kind: "msp"`) with its owner, `sites` sites and an API key with
 * `scopes` (every scope the owner holds when omitted): what a client test starts from.
 */
export async function apiOrg(
  opts: { sites?: number; scopes?: string[]; kind?: "standard" | "msp" } = {},
) {
  const o = await createOrgWithOwner(opts.kind);
  const api = callerFor(o.owner);
  for (let i = 0; i < (opts.sites ?? 0); i++)
    await api.site.create({ orgSlug: o.slug, name: `site-${String(i).padStart(5, "0")}` });
  return { ...o, token: await apiKeyFor(o.owner, o.slug, opts.scopes) };
}

/**
 * Gives `orgId` the enterprise plan with these API rates (calls per minute), so a test can
 * reach them. Billing must be on (testkit/stripe-env.ts): without it every org is unlimited.
 */
export async function setApiRate(orgId: string, rate: { perKey: number; perOrg: number }) {
  await withScope(getDb(), { orgId }, (tx) =>
    tx.billingAccount.upsert({
      where: { orgId },
      create: {
        orgId,
        planOverride: "enterprise",
        customLimits: { apiCallsPerKeyMinute: rate.perKey, apiCallsPerOrgMinute: rate.perOrg },
      },
      update: {},
    }),
  );
}

/**
 * A test file's API server: started before its tests, stopped after them with the
 * process's queues and Redis connection. Read `.url` and use `call` inside tests.
 */
export function useApiServer() {
  let server: ApiServer | undefined;
  beforeAll(async () => {
    server = await startApiServer();
  });
  afterAll(async () => {
    await server?.close();
    await closeQueues();
    await getRedis().quit();
  });
  const handle = {
    get url() {
      if (!server) throw new Error("the API server starts in beforeAll");
      return server.url;
    },
  };
  return Object.assign(handle, { call: restCall(handle) });
}
