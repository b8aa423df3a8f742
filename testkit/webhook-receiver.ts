// A webhook receiver on loopback for tests and journeys: records every request (raw body
// and headers) and answers as told: 200, an error status, or never (it holds the request
// until the sender gives up).
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  headers: IncomingMessage["headers"];
  body: string;
}

export type Answer = "ok" | "hang" | number;

export async function startReceiver(answer: Answer = "ok") {
  const received: Received[] = [];
  const held: ServerResponse[] = [];
  let mode: Answer = answer;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      if (mode === "hang") held.push(res);
      else res.writeHead(mode === "ok" ? 200 : mode).end(mode === "ok" ? "thanks" : "nope");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    answer: (next: Answer) => {
      mode = next;
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * What a receiver does with a delivery: true when one of the `v1=` signatures of the
 * Patronus-Signature header is the HMAC-SHA256 of "<timestamp>.<body>" under `secret`.
 */
export function verifies(r: Received, secret: string): boolean {
  const timestamp = String(r.headers["patronus-webhook-timestamp"] ?? "");
  const expected = createHmac("sha256", secret).update(`${timestamp}.${r.body}`).digest();
  return String(r.headers["patronus-signature"] ?? "")
    .split(" ")
    .filter((s) => s.startsWith("v1="))
    .map((s) => Buffer.from(s.slice(3), "hex"))
    .some((sig) => sig.length === expected.length && timingSafeEqual(sig, expected));
}
