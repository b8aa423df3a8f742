// The portal's public face for a site box, on one loopback port: GET /install.sh from the
// real route handler (app/install.sh/route.ts, so the template and URL filling are the
// production ones), GET /api/fleet/agent.mjs serving a freshly built bundle, and the
// enrollment endpoints passed through to the fleet stack's real ones. Request bodies are
// recorded, so a test can check what left the device.
import { createReadStream } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { GET as installScript } from "../../../app/install.sh/route";
import { env } from "../../../server/platform/env";

export interface PortalFront {
  url: string;
  /** Bodies of the enrollment requests that came through. */
  bodies: string[];
  close(): Promise<void>;
}

export async function startPortalFront(o: {
  enrollUrl: string;
  agentBundle?: string;
}): Promise<PortalFront> {
  const bodies: string[] = [];
  const server = createServer(async (req, res) => {
    try {
      if (req.method === "GET" && req.url === "/install.sh") {
        const r = await installScript(new Request("http://localhost/install.sh"));
        res.writeHead(r.status, Object.fromEntries(r.headers));
        return res.end(await r.text());
      }
      if (req.method === "GET" && req.url === "/api/fleet/agent.mjs" && o.agentBundle) {
        res.writeHead(200, { "content-type": "text/javascript" });
        return createReadStream(o.agentBundle).pipe(res);
      }
      if (req.method === "POST" && req.url?.startsWith("/api/fleet/enroll")) {
        let body = "";
        for await (const chunk of req) body += chunk;
        bodies.push(body);
        const r = await fetch(`${o.enrollUrl}${req.url}`, {
          method: "POST",
          headers: { "content-type": req.headers["content-type"] ?? "" },
          body,
        });
        res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "" });
        return res.end(await r.text());
      }
      res.writeHead(404).end();
    } catch (e) {
      res.writeHead(502).end(String(e));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The portal's own URL: install.sh and the install command the API shows carry it.
  const appUrl = env.APP_URL;
  Object.assign(env as Record<string, unknown>, { APP_URL: url });
  return {
    url,
    bodies,
    close: async () => {
      Object.assign(env as Record<string, unknown>, { APP_URL: appUrl });
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
