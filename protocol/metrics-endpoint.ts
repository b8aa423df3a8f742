// A Prometheus scrape endpoint, as every Patronus process serves one (the server's
// METRICS_PORT_*, the agent's `metrics`): GET or HEAD /metrics only (404 elsewhere, 405 for
// other methods), behind `Authorization: Bearer <token>` when a token is set (401 with
// WWW-Authenticate otherwise), compared in constant time and never logged.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface ScrapeEndpointOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Empty or absent: no token asked for. */
  token?: string;
  /** Where the 401 tells the scraper the token comes from, e.g. "METRICS_TOKEN". */
  tokenName: string;
  /** Called when collecting failed (the scrape gets a 500 without detail). */
  onError: (error: unknown) => void;
}

export interface ScrapeEndpoint {
  url: string;
  port: number;
  close(): Promise<void>;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Whether the request carries `Authorization: Bearer <token>`, compared in constant time. */
export function bearerAuthorized(req: Pick<IncomingMessage, "headers">, token: string | undefined) {
  if (!token) return true;
  const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
  // Digests have one length, so timingSafeEqual never throws nor tells the token's length.
  return timingSafeEqual(digest(given), digest(token));
}

export async function startScrapeEndpoint(
  o: ScrapeEndpointOptions,
  collect: () => Promise<{ body: string; contentType: string }>,
): Promise<ScrapeEndpoint> {
  const server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found: GET /metrics\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end();
      return;
    }
    if (!bearerAuthorized(req, o.token)) {
      res
        .writeHead(401, {
          "www-authenticate": 'Bearer realm="metrics"',
          "content-type": "text/plain",
        })
        .end(`Unauthorized: send Authorization: Bearer <${o.tokenName}>\n`);
      return;
    }
    try {
      const { body, contentType } = await collect();
      res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch (error) {
      o.onError(error);
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
