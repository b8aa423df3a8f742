// The REST API on a loopback HTTP server in the test process: the same route handlers the
// portal mounts under /api/v1 (no Next.js build needed), for the SDK, CLI and Ansible tests
// and the API benchmark. `apiOrg()` makes an org with an owner, sites and an API key.
// `useApiServer()` gives a test file its server and `call`; `allPages` reads a whole list.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll } from "vitest";
import {
  assetRoute,
  authHandlers,
  docsAsset,
  docsPage,
  faviconRoute,
  openApiRoute,
  orgMetricsHandler,
  restHandler,
  trpcHandler,
} from "../server/api/handlers";
import type { SessionUser } from "../server/domains/identity/auth/session";
import { getDb } from "../server/platform/db/client";
import { withScope } from "../server/platform/db/with-tenant";
import { env } from "../server/platform/env";
import { CLIENT_IP_HEADER } from "../server/platform/http/client-ip";
import { HOST_HEADER, parseAuthority } from "../server/platform/http/request-host";
import { closeQueues } from "../server/platform/jobs/queues";
import { getRedis } from "../server/platform/redis";
import { callerFor, createOrgWithOwner } from "./factories/identity";

type Handler = (request: Request) => Promise<Response>;

const auth = authHandlers();

function route(path: string, method: string): Handler {
  if (path.startsWith("/api/auth/")) return method === "GET" ? auth.GET : auth.POST;
  if (path === "/api/v1/openapi.json") return openApiRoute;
  if (path === "/favicon.ico") return faviconRoute;
  if (path === "/api/v1/docs") return docsPage;
  const asset = /^\/api\/v1\/docs\/([\w.-]+)$/.exec(path)?.[1];
  if (asset) return docsAsset(asset);
  const assetId = /^\/assets\/([^/]+)$/.exec(path)?.[1];
  // As Next.js does for a dynamic segment: the id decoded (an undecodable one as sent).
  if (assetId) return assetRoute(decodeSegment(assetId));
  if (path.startsWith("/api/trpc/")) return trpcHandler;
  // app/api/v1/orgs/[org]/metrics: a static route wins over the catch-all.
  if (/^\/api\/v1\/orgs\/[^/]+\/metrics$/.test(path)) return orgMetricsHandler;
  return restHandler;
}

function decodeSegment(segment: string) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function toRequest(req: IncomingMessage, base: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers))
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", base), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    // @ts-expect-error Node's fetch needs this for a streamed body
    duplex: "half",
  });
}

export interface ApiServer {
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

/** Starts the API on a free loopback port. */
export async function startApiServer(): Promise<ApiServer> {
  // Handlers still running: close() waits for them, so nothing they use (Redis, the pool)
  // is closed under them, even when their client has gone (a load generator stopping).
  let running = 0;
  let idle: (() => void) | undefined;
  const server: Server = createServer(async (req, res) => {
    running++;
    try {
      const request = toRequest(req, env.APP_URL);
      // What the portal's server stamps on every request (server/platform/http/client-ip.ts).
      request.headers.set(CLIENT_IP_HEADER, req.socket.remoteAddress ?? "");
      request.headers.set(HOST_HEADER, parseAuthority(req.headers.host)?.authority ?? "");
      const response = await route(new URL(request.url).pathname, request.method)(request);
      // A body refused before it was read (413) leaves the socket unusable for the next call.
      if (!req.complete) res.setHeader("connection", "close");
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500).end(String(error));
    } finally {
      if (--running === 0) idle?.();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      if (running > 0) await new Promise<void>((resolve) => (idle = resolve));
    },
  };
}

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
