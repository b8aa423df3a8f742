// Stand-in for the portal's enrollment endpoints (being built separately): the same
// contract (ZEnrollRequest in; ZEnrollResponse or `{ error: { code, message } }` out),
// with CSRs signed by a throwaway CA, and the agent bundle at /api/fleet/agent.mjs. Tokens choose the path: "expired…" → 403,
// "approve…" → pending until the second poll, anything else → active at once.
import { createReadStream } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ZEnrollPoll, ZEnrollRequest } from "../../../server/fleet/protocol";
import { createTestCa, type TestCa } from "./pki";

export const STUB_ORG = "orgabcdef12";

export interface StubPortal {
  url: string;
  ca: TestCa;
  /** Every request body received, to check what left the device. */
  bodies: string[];
  close(): Promise<void>;
}

export async function startStubPortal(
  o: { brokerUrl?: string; agentBundle?: string; ca?: TestCa } = {},
): Promise<StubPortal> {
  const brokerUrl = o.brokerUrl ?? "mqtts://127.0.0.1:8883";
  const ca = o.ca ?? (await createTestCa());
  const bodies: string[] = [];
  const pending = new Map<string, { csr: string; polls: number }>();
  let n = 0;

  const active = async (deviceId: string, csr: string) => {
    const now = Date.now();
    const identity = `${STUB_ORG}.${deviceId}`;
    const notAfter = new Date(now + 86400_000);
    return {
      status: "active",
      deviceId,
      identity,
      certificate: await ca.issue(csr, identity, new Date(now - 1000), notAfter),
      caChain: ca.certPem,
      notAfter: notAfter.toISOString(),
      broker: { url: brokerUrl, serverCa: ca.certPem },
    };
  };

  const server = createServer(async (req, res) => {
    if (req.method === "GET" && req.url === "/api/fleet/agent.mjs" && o.agentBundle) {
      res.writeHead(200, { "content-type": "text/javascript" });
      return createReadStream(o.agentBundle).pipe(res);
    }
    let body = "";
    for await (const chunk of req) body += chunk;
    bodies.push(body);
    const send = (status: number, json: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
    const fail = (status: number, code: string, message: string) =>
      send(status, { error: { code, message } });
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return fail(400, "bad_request", "body is not JSON");
    }
    if (req.method === "POST" && req.url === "/api/fleet/enroll") {
      const r = ZEnrollRequest.safeParse(json);
      if (!r.success) return fail(400, "bad_request", "not an enrollment request");
      if (r.data.token.startsWith("expired"))
        return fail(403, "invalid_token", "This enrollment token has expired");
      const deviceId = `dev${String(++n).padStart(8, "0")}`;
      if (!r.data.token.startsWith("approve")) return send(200, await active(deviceId, r.data.csr));
      pending.set(deviceId, { csr: r.data.csr, polls: 0 });
      return send(200, {
        status: "pending",
        deviceId,
        pollToken: `poll-${deviceId}`,
        retryAfterSeconds: 1,
      });
    }
    if (req.method === "POST" && req.url === "/api/fleet/enroll/poll") {
      const r = ZEnrollPoll.safeParse(json);
      const p = r.success ? pending.get(r.data.deviceId) : undefined;
      if (!r.success || !p || r.data.pollToken !== `poll-${r.data.deviceId}`)
        return fail(404, "not_found", "unknown enrollment");
      if (++p.polls < 2) return send(200, { status: "pending", ...r.data, retryAfterSeconds: 1 });
      return send(200, await active(r.data.deviceId, p.csr));
    }
    fail(404, "not_found", "no such route");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca,
    bodies,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
