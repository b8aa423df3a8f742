// The metrics endpoint of a process: GET /metrics in Prometheus' text format, on its own
// port (never the portal's public one), bound to loopback unless told otherwise, and behind
// a bearer token when METRICS_TOKEN is set. The token is compared in constant time and is
// never logged.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { log } from "../log/logger";
import { metricsRegistry } from "./registry";

export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Empty: no token asked for. */
  token?: string;
}

export interface MetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Whether the request carries `Authorization: Bearer <token>`, compared in constant time. */
export function authorized(req: Pick<IncomingMessage, "headers">, token: string) {
  if (!token) return true;
  const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
  // Digests have one length, so timingSafeEqual never throws nor tells the token's length.
  return timingSafeEqual(digest(given), digest(token));
}

export async function startMetricsServer(o: MetricsServerOptions): Promise<MetricsServer> {
  const registry = metricsRegistry();
  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found: GET /metrics\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end();
      return;
    }
    if (!authorized(req, o.token ?? "")) {
      res
        .writeHead(401, {
          "www-authenticate": 'Bearer realm="metrics"',
          "content-type": "text/plain",
        })
        .end("Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n");
      return;
    }
    try {
      const body = await registry.metrics();
      res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch (error) {
      log.error("metrics: collecting failed", { error });
      res.writeHead(500, { "content-type": "text/plain" }).end("Collecting the metrics failed\n");
    }
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject).listen(o.port, o.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}/metrics`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
