// The enrollment endpoints on a plain Node HTTP server bound to loopback, for tests and
// benchmarks that run the control plane without Next (the portal mounts the same handlers
// in app/api/fleet/enroll/**/route.ts).
import { createServer, type Server } from "node:http";
import { Readable } from "node:stream";
import { CLIENT_IP_HEADER, resolveClientAddress } from "../../../platform/http/client-ip";
import { log } from "../../../platform/log/logger";
import { enrollHandler, pollHandler, timeHandler } from "./http";

const ROUTES: Record<string, (request: Request) => Promise<Response>> = {
  "POST /api/fleet/enroll": enrollHandler,
  "POST /api/fleet/enroll/poll": pollHandler,
  "GET /api/fleet/time": timeHandler,
};

export async function serveEnrollmentOnLoopback(): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    try {
      const handler = ROUTES[`${req.method} ${req.url ?? ""}`];
      if (!handler) {
        res.writeHead(404).end();
        return;
      }
      // As the portal server does: the client's address from the socket, never a header.
      req.headers[CLIENT_IP_HEADER] = resolveClientAddress(req.socket.remoteAddress, undefined, {
        kind: "none",
      });
      // The body streams into the handler, whose route helper bounds it (as under Next).
      const response = await handler(
        new Request(`http://127.0.0.1${req.url}`, {
          method: req.method,
          headers: req.headers as Record<string, string>,
          ...(req.method === "POST"
            ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" }
            : {}),
        } as RequestInit),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (e) {
      log.error("enrollment endpoint failed", { error: e });
      res.writeHead(500).end();
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}` };
}
