import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import next from "next";
import { isCleanText } from "../../../protocol/text";
import { log } from "../log/logger";
import { CLIENT_IP_HEADER, parseTrustedProxies, resolveClientAddress } from "./client-ip";
import { HOST_HEADER, resolveRequestHost } from "./request-host";

/**
 * The portal's HTTP server: Next.js behind a thin layer that does, for every request, what
 * only the socket can tell or what must hold before any route runs:
 * - stamps the client's address (`CLIENT_IP_HEADER`) from the socket and TRUSTED_PROXIES,
 *   replacing whatever the client sent, so every limiter counts real clients; and the host
 *   it asked for (`HOST_HEADER`, from Host or a trusted proxy's X-Forwarded-Host), which
 *   custom domains map to an org;
 * - closes the connection when an answer goes out before the request body has all arrived
 *   (a 413, an early 401): the rest of a huge upload is never read;
 * - bounds how long a client may take to send its headers and its request.
 */
export interface PortalServerOptions {
  dev: boolean;
  hostname: string;
  port: number;
  dir: string;
  trustedProxies?: string;
}

/** Slow clients: headers within 20 s, the whole request within 60 s (bodies are ≤ 1 MiB). */
export const HEADERS_TIMEOUT_MS = 20_000;
export const REQUEST_TIMEOUT_MS = 60_000;

export async function startPortalServer(options: PortalServerOptions): Promise<Server> {
  const trusted = parseTrustedProxies(options.trustedProxies);
  const app = next({
    dev: options.dev,
    hostname: options.hostname,
    port: options.port,
    dir: options.dir,
  });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = createServer((req, res) => {
    const refused = refusal(req);
    if (refused) {
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8", connection: "close" });
      res.end(`Bad request: ${refused}`);
      return;
    }
    prepareRequest(req, res, trusted);
    handle(req, res).catch((error: unknown) => {
      log.error("portal: unhandled request error", { error });
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal Server Error");
    });
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  if (options.dev) server.on("upgrade", app.getUpgradeHandler());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}

/** The largest router-state header a page navigation sends is a few KiB. */
const MAX_ROUTER_STATE = 40 * 1024;

/**
 * What is wrong with a request Next would otherwise answer with a 500, or null: a path
 * that is not valid percent-encoded text (Next decodes it to route), or a malformed
 * router-state header (Next parses it for client navigations).
 */
export function refusal(req: Pick<IncomingMessage, "url" | "headers">): string | null {
  const path = (req.url ?? "/").split("?")[0] as string;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return "the path is not valid percent-encoded UTF-8";
  }
  if (!isCleanText(decoded)) return "the path contains characters that are not valid text";
  const state = req.headers["next-router-state-tree"];
  if (state !== undefined) {
    const text = Array.isArray(state) ? state.join(",") : state;
    try {
      if (text.length > MAX_ROUTER_STATE || !Array.isArray(JSON.parse(decodeURIComponent(text))))
        return "malformed Next-Router-State-Tree header";
    } catch {
      return "malformed Next-Router-State-Tree header";
    }
  }
  return null;
}

function prepareRequest(
  req: IncomingMessage,
  res: ServerResponse,
  trusted: ReturnType<typeof parseTrustedProxies>,
) {
  req.headers[CLIENT_IP_HEADER] = resolveClientAddress(
    req.socket.remoteAddress,
    req.headers["x-forwarded-for"],
    trusted,
  );
  req.headers[HOST_HEADER] = resolveRequestHost(
    req.socket.remoteAddress,
    req.headers.host,
    req.headers["x-forwarded-host"],
    trusted,
  );
  closeIfAnsweredEarly(req, res);
}

/** After an early answer, how long and how much of the rest of the body is read away. */
export const LINGER = { ms: 2_000, bytes: 4 * 1024 * 1024 };

/**
 * An answer written before the body has fully arrived (a 413 from the route helper's
 * limit, a refusal before reading) ends the connection: Node would otherwise keep reading
 * and discarding the rest of the body to reuse the connection, however large it is.
 * Closing at once would reset the connection while the client is still sending, and the
 * client would lose the answer; so, like a web server's lingering close, the socket says
 * it is done (FIN), reads away what still comes for a moment, then closes.
 */
function closeIfAnsweredEarly(req: IncomingMessage, res: ServerResponse) {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<typeof writeHead>) {
    if (!req.complete) {
      this.shouldKeepAlive = false;
      // The response's socket: the request's is gone once a route cancelled its body.
      if (this.socket) lingerOnClose(this.socket);
    }
    return writeHead.apply(this, args);
  } as typeof writeHead;
}

/** Replaces the socket's close-after-answer (Node calls destroySoon) with a lingering one. */
function lingerOnClose(socket: Socket) {
  socket.destroySoon = () => {
    let drained = 0;
    const close = () => socket.destroy();
    const timer = setTimeout(close, LINGER.ms);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
    socket.on("data", (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > LINGER.bytes) close();
    });
    socket.end();
    socket.resume();
  };
}
