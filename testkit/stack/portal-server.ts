// The portal's HTTP surface on a plain Node server bound to loopback, without a Next.js
// build: the same route handlers app/ mounts under /api/v1, /api/trpc, /api/auth and
// /api/fleet (enrollment). In the test process (testkit/api-server.ts) or as a portal
// process of its own (portal-main.ts), several of which can stand behind one balancer.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import {
  assetRoute,
  authHandlers,
  docsAsset,
  docsPage,
  enrollHandler,
  faviconRoute,
  openApiRoute,
  orgMetricsHandler,
  pollHandler,
  restHandler,
  timeHandler,
  trpcHandler,
} from "../../server/api/handlers";
import { env } from "../../server/platform/env";
import { CLIENT_IP_HEADER } from "../../server/platform/http/client-ip";
import { HOST_HEADER, parseAuthority } from "../../server/platform/http/request-host";

type Handler = (request: Request) => Promise<Response>;

const auth = authHandlers();

/** app/api/fleet/**: what `patronus-agent enroll` calls. */
const FLEET: Record<string, Handler> = {
  "POST /api/fleet/enroll": enrollHandler,
  "POST /api/fleet/enroll/poll": pollHandler,
  "GET /api/fleet/time": timeHandler,
};

function route(path: string, method: string): Handler {
  const fleet = FLEET[`${method} ${path}`];
  if (fleet) return fleet;
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

/** Starts the API on loopback, on `port` (0: a free one). */
export async function startApiServer(port = 0): Promise<ApiServer> {
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
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      if (running > 0) await new Promise<void>((resolve) => (idle = resolve));
    },
  };
}
