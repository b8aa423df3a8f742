// The embedded broker: Aedes in this process over mutual TLS, so one command runs the
// whole product on a bare machine. Same rules as the Mosquitto setup, enforced here:
// identity = certificate CN (identity.ts), client id = identity, the protocol's
// mayPublish/maySubscribe, payloads up to MAX_MESSAGE_BYTES, packets up to MAX_PACKET_BYTES
// (cut at the header, before Aedes buffers them: guardPacketSize), and no connection
// outlives its certificate (dropAtExpiry).
// Limits of Aedes: MQTT 3.1/3.1.1 only (no v5), retained messages in memory (lost when the
// process restarts), and no shared subscriptions: a `$share/...` filter is refused
// (granted QoS 0x80) rather than silently never matching, so with this broker workers
// use plain subscriptions.
import type { AddressInfo } from "node:net";
import { createServer, type Server, type TLSSocket } from "node:tls";
import { Aedes, type AuthenticateError, type Client } from "aedes";
import { mayPublish, maySubscribe } from "../../../../protocol/acl";
import { x509 } from "../../../../protocol/crypto/x509";
import { MAX_MESSAGE_BYTES } from "../../../../protocol/topics";
import { log as baseLog, type Logger } from "../../../platform/log/logger";
import {
  brokerConnections,
  brokerConnects,
  brokerMessages,
  brokerRejections,
} from "../../../platform/metrics/fleet";
import { normalizeSerial } from "../pki/issue";
import { dropAtExpiry, guardPacketSize } from "./connection-guards";
import { clientIdAllowed, identityOf } from "./identity";
import type { Trust } from "./trust";

export interface EmbeddedBrokerOptions extends Trust {
  host?: string;
  /** 0: a free port. */
  port?: number;
  serverCertPem: string;
  serverKeyPem: string;
  /** Where dropped connections are reported (one warning each). */
  log?: Logger;
}

export interface EmbeddedBroker {
  url: string;
  port: number;
  /** New handshakes use the new trust; connected clients it no longer trusts are dropped. */
  updateTrust(trust: Trust): Promise<{ disconnected: number }>;
  close(): Promise<void>;
}

const pemBlocks = (bundle: string) =>
  bundle.match(/-----BEGIN [A-Z0-9 ]+-----[\s\S]+?-----END [A-Z0-9 ]+-----/g) ?? [];

function authError(message: string, returnCode: 2 | 5): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** Whether a peer certificate still chains to a CA of `trust` and is not on its CRL. */
async function stillTrusted(
  cert: x509.X509Certificate,
  cas: x509.X509Certificate[],
  revoked: Map<string, Set<string>>,
) {
  if (revoked.get(cert.issuer)?.has(normalizeSerial(cert.serialNumber))) return false;
  for (const ca of cas.filter((c) => c.subject === cert.issuer))
    if (await cert.verify({ publicKey: ca.publicKey, signatureOnly: true })) return true;
  return false;
}

export async function startEmbeddedBroker(o: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const identities = new WeakMap<Client, string>();
  const peers = new Map<TLSSocket, x509.X509Certificate>();
  const log = o.log ?? baseLog.child({ component: "fleet-broker" });

  const aedes = await Aedes.createBroker({
    authenticate(client, _username, _password, done) {
      const socket = client.conn as TLSSocket;
      const identity = identityOf(socket.getPeerCertificate?.());
      if (!identity) {
        brokerRejections().inc({ reason: "identity" });
        return done(authError("certificate does not name a fleet identity", 5), false);
      }
      if (!clientIdAllowed(identity, client.id)) {
        brokerRejections().inc({ reason: "client_id" });
        return done(
          authError(`client id must be the certificate's identity ${identity}`, 2),
          false,
        );
      }
      identities.set(client, identity);
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      const identity = client ? identities.get(client) : undefined;
      if (!identity || !mayPublish(identity, packet.topic)) {
        brokerRejections().inc({ reason: "publish_acl" });
        return done(
          new Error(`${identity ?? "unknown client"} may not publish to ${packet.topic}`),
        );
      }
      if (packet.payload.length > MAX_MESSAGE_BYTES) {
        brokerRejections().inc({ reason: "message_size" });
        return done(
          new Error(
            `message of ${packet.payload.length} bytes is over the ${MAX_MESSAGE_BYTES}-byte limit`,
          ),
        );
      }
      brokerMessages().inc();
      done(null);
    },
    authorizeSubscribe(client, sub, done) {
      const identity = identities.get(client);
      const allowed =
        !!identity && !sub.topic.startsWith("$share/") && maySubscribe(identity, sub.topic);
      if (!allowed) brokerRejections().inc({ reason: "subscribe_acl" });
      done(null, allowed ? sub : null); // null: SUBACK 0x80
    },
  });

  const tlsOptions = (trust: Trust) => ({
    key: o.serverKeyPem,
    cert: o.serverCertPem,
    ca: trust.caBundle,
    // Node reads one CRL per string.
    crl: pemBlocks(trust.crlBundle),
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: "TLSv1.2" as const,
  });
  const server: Server = createServer(tlsOptions(o), (socket) => {
    let cert: x509.X509Certificate;
    try {
      cert = new x509.X509Certificate(socket.getPeerCertificate().raw);
    } catch {
      socket.destroy(); // OpenSSL verified it, but we could not read it back: refuse
      return;
    }
    peers.set(socket, cert);
    socket.once("close", () => peers.delete(socket));
    const peer = {
      identity: identityOf(socket.getPeerCertificate()) ?? cert.subject,
      remote: socket.remoteAddress,
    };
    brokerConnects().inc();
    brokerConnections().inc();
    socket.once("close", () => brokerConnections().dec());
    guardPacketSize(socket, (violation) => {
      brokerRejections().inc({ reason: "packet_size" });
      log.warn("MQTT client dropped: packet over the size limit", { ...peer, ...violation });
    });
    dropAtExpiry(socket, cert.notAfter, () =>
      log.warn("MQTT client dropped: its certificate expired", {
        ...peer,
        notAfter: cert.notAfter.toISOString(),
      }),
    );
    aedes.handle(socket);
  });
  // Refused handshakes (unknown CA, revoked or expired certificate): counted, nothing to do.
  server.on("tlsClientError", () => brokerRejections().inc({ reason: "tls" }));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject).listen(o.port ?? 0, o.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = o.host ?? "127.0.0.1";

  return {
    url: `mqtts://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    async updateTrust(trust) {
      server.setSecureContext(tlsOptions(trust));
      const cas = pemBlocks(trust.caBundle).map((p) => new x509.X509Certificate(p));
      const revoked = new Map<string, Set<string>>();
      for (const pem of pemBlocks(trust.crlBundle)) {
        const crl = new x509.X509Crl(pem);
        const set = revoked.get(crl.issuer) ?? new Set();
        for (const e of crl.entries) set.add(normalizeSerial(e.serialNumber));
        revoked.set(crl.issuer, set);
      }
      let disconnected = 0;
      for (const [socket, cert] of peers) {
        if (await stillTrusted(cert, cas, revoked)) continue;
        socket.destroy();
        disconnected++;
      }
      return { disconnected };
    },
    async close() {
      for (const socket of peers.keys()) socket.destroy();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
