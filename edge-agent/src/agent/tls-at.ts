// A TLS connection to the broker for a box whose clock is behind: Node (OpenSSL) judges
// certificates only by the system clock, which says the broker's certificate is not yet
// valid. This stream lets the handshake finish unverified, then verifies the broker's chain
// itself — signatures up to the pinned broker CA, CA flags, the server usage, the host name
// — with the control plane's measured time as the only change, and only when that time is
// later than the box's clock. Nothing of MQTT is written to the socket, nor read from it,
// before that check passes. Why this is safe: docs/fleet.md, "Clock skew".
import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { Duplex } from "node:stream";
import { checkServerIdentity, connect, type PeerCertificate, type TLSSocket } from "node:tls";
import { DATE_ERRORS } from "./clock";

const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const MAX_DEPTH = 4;

export class TlsAtError extends Error {
  override name = "TlsAtError";
}

const validAt = (c: X509Certificate, at: number) =>
  Date.parse(c.validFrom) <= at && at <= Date.parse(c.validTo);

/** The PEM certificates of a bundle. */
function parseBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

/** The chain the server presented, leaf first. */
function presented(peer: PeerCertificate & { issuerCertificate?: PeerCertificate }) {
  const out: X509Certificate[] = [];
  let c: (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined = peer;
  while (c?.raw && out.length <= MAX_DEPTH) {
    out.push(new X509Certificate(c.raw));
    if (c.issuerCertificate === c) break;
    c = c.issuerCertificate;
  }
  return out;
}

/**
 * Throws unless `peer` chains to one of `trusted` with every signature, issuer name and CA
 * flag right, every certificate valid at `at`, a server usage on the leaf, and `host` among
 * its names.
 */
export function verifyChainAt(
  peer: PeerCertificate,
  trustedPem: string,
  host: string,
  at: number,
): void {
  const chain = presented(peer);
  const leaf = chain[0];
  if (!leaf) throw new TlsAtError("the broker presented no certificate");
  const trusted = parseBundle(trustedPem);
  const eku = leaf.keyUsage;
  if (eku && !eku.includes(SERVER_AUTH))
    throw new TlsAtError("the broker's certificate is not for TLS servers");
  const nameError = checkServerIdentity(host, peer);
  if (nameError) throw new TlsAtError(nameError.message);
  let current = leaf;
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    if (!validAt(current, at))
      throw new TlsAtError(
        `${current.subject.replace(/\n/g, ", ")} is not valid at ${new Date(at).toISOString()} either`,
      );
    const anchor = trusted.find((ca) => current.checkIssued(ca) && current.verify(ca.publicKey));
    if (anchor) {
      if (!anchor.ca) throw new TlsAtError("the pinned broker CA is not a CA");
      if (!validAt(anchor, at)) throw new TlsAtError("the pinned broker CA is not valid then");
      return;
    }
    const next = chain.find(
      (c) => c !== current && c.ca && current.checkIssued(c) && current.verify(c.publicKey),
    );
    if (!next) throw new TlsAtError("the broker's certificate does not chain to the pinned CA");
    current = next;
  }
  throw new TlsAtError("the broker's chain is too long");
}

export interface TlsAtOptions {
  host: string;
  port: number;
  key: string;
  cert: string;
  /** The pinned broker CA (PEM bundle). */
  ca: string;
  /** The control plane's time; the check uses it only when later than the box's clock. */
  serverNow: () => number;
  localNow: () => number;
}

/** A duplex for MqttClient: the TLS socket, gated until verifyChainAt passes. */
export function tlsAtServerTime(o: TlsAtOptions): Duplex {
  let open = false;
  let held: { chunk: Buffer; cb: (e?: Error | null) => void }[] = [];
  const socket: TLSSocket = connect({
    host: o.host,
    port: o.port,
    key: o.key,
    cert: o.cert,
    ca: o.ca,
    ...(isIP(o.host) ? {} : { servername: o.host }),
    // Verified below, after the handshake and before any byte of MQTT.
    rejectUnauthorized: false,
  });
  const gate = new Duplex({
    write(chunk: Buffer, _enc, cb) {
      if (open) socket.write(chunk, cb);
      else held.push({ chunk, cb });
    },
    read() {
      if (open) socket.resume();
    },
    final(cb) {
      socket.end();
      cb();
    },
    destroy(err, cb) {
      socket.destroy();
      for (const h of held) h.cb(err ?? new TlsAtError("connection closed"));
      held = [];
      cb(err);
    },
  });
  socket.pause();
  socket.on("secureConnect", () => {
    try {
      if (!socket.authorized) {
        const why = String(socket.authorizationError);
        // Only dates may be judged again; anything else stays what OpenSSL said.
        if (!DATE_ERRORS.has(why)) throw new TlsAtError(`broker certificate refused: ${why}`);
        // Forward only: a later time can make a not-yet-valid certificate valid, never an
        // expired one (expired by the box's clock is expired at any later time too).
        const at = Math.max(o.serverNow(), o.localNow());
        verifyChainAt(socket.getPeerCertificate(true), o.ca, o.host, at);
      }
    } catch (e) {
      gate.destroy(e as Error);
      return;
    }
    open = true;
    for (const h of held) socket.write(h.chunk, h.cb);
    held = [];
    socket.resume();
  });
  socket.on("data", (d: Buffer) => {
    if (open && !gate.push(d)) socket.pause();
  });
  socket.on("end", () => gate.push(null));
  socket.on("error", (e) => gate.destroy(e));
  socket.on("close", () => {
    if (!gate.destroyed) gate.destroy();
  });
  return gate;
}
