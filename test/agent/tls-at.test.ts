// The broker check of a box whose clock is behind (edge-agent tls-at.ts): the chain the
// broker really presents over TLS, verified at a chosen time — only the time differs from
// what OpenSSL checks, so everything else must still be refused.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, createServer, type PeerCertificate, type Server } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyChainAt } from "../../edge-agent/src/agent/tls-at";
import { ensurePlatformPki, type PlatformPki } from "../../server/domains/fleet/pki/platform";

let dir: string;
let pki: PlatformPki;
let rogue: PlatformPki;
let server: Server;
let peer: PeerCertificate;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "patronus-tls-at-"));
  pki = await ensurePlatformPki(join(dir, "pki"), randomBytes(32).toString("hex"));
  rogue = await ensurePlatformPki(join(dir, "rogue"), randomBytes(32).toString("hex"));
  server = createServer({ key: pki.brokerKeyPem, cert: pki.brokerCertPem }, (s) => s.end());
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  peer = await new Promise<PeerCertificate>((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      resolve(s.getPeerCertificate(true));
      s.destroy();
    });
    s.on("error", reject);
  });
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe("verifyChainAt", () => {
  it("accepts the broker's chain at a time it is valid", () => {
    expect(() => verifyChainAt(peer, pki.caPem, "127.0.0.1", Date.now())).not.toThrow();
    expect(() => verifyChainAt(peer, pki.caPem, "localhost", Date.now())).not.toThrow();
  });

  it("refuses it before its notBefore and after its notAfter", () => {
    const twoDaysAgo = Date.now() - 2 * 86_400_000;
    expect(() => verifyChainAt(peer, pki.caPem, "127.0.0.1", twoDaysAgo)).toThrow(/not valid/);
    const inTwoYears = Date.now() + 2 * 365 * 86_400_000;
    expect(() => verifyChainAt(peer, pki.caPem, "127.0.0.1", inTwoYears)).toThrow(/not valid/);
  });

  it("refuses another CA and another host name, whatever the time", () => {
    expect(() => verifyChainAt(peer, rogue.caPem, "127.0.0.1", Date.now())).toThrow(
      /does not chain/,
    );
    expect(() => verifyChainAt(peer, pki.caPem, "broker.example.com", Date.now())).toThrow();
  });

  it("refuses a client certificate presented as the broker's", async () => {
    const other = createServer({ key: pki.controlKeyPem, cert: pki.controlCertPem }, (s) =>
      s.end(),
    );
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    const { port } = other.address() as { port: number };
    const client = await new Promise<PeerCertificate>((resolve, reject) => {
      const s = connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
        resolve(s.getPeerCertificate(true));
        s.destroy();
      });
      s.on("error", reject);
    });
    await new Promise((r) => other.close(r));
    expect(() => verifyChainAt(client, pki.caPem, "127.0.0.1", Date.now())).toThrow(
      /not for TLS servers/,
    );
  });
});
