// The embedded broker: Aedes in this process over mutual TLS, so one command runs the
// whole product on a bare machine. Same rules as the Mosquitto setup, enforced here:
// identity = certificate CN (identity.ts), client id = identity, the protocol's
// mayPublish/maySubscribe, payloads up to MAX_MESSAGE_BYTES, packets up to MAX_PACKET_BYTES
// (cut at the header, before Aedes buffers them: guardPacketSize), and no connection
// outlives its certificate (dropAtExpiry).
// Alone, it keeps retained messages in memory (lost when the process restarts), looked up
// by topic (retained.ts). With `cluster` it is one of several brokers sharing messages,
// retained state and shared subscriptions through Redis (cluster.ts). Either way it serves
// shared subscriptions (`$share/<group>/<filter>`, shared-subscriptions.ts), which Aedes
// itself lacks, and MQTT 3.1/3.1.1 only (no v5).
// It trusts the platform root (and old org CAs until migrated), and checks revocation
// itself, at each handshake and for the sessions open, against the revoked serials of the
// CRLs it was given. Trust changes look only at the sessions they concern
// (tls-sessions.ts): what a new bundle revokes or no longer trusts, found by comparing it
// with the previous one.
import type { EventEmitter } from "node:events";
import type { AddressInfo } from "node:net";
import { createServer, type DetailedPeerCertificate, type Server, type TLSSocket } from "node:tls";
import { Aedes, type AuthenticateError, type Client } from "aedes";
import { mayPublish, maySubscribe } from "../../../../protocol/acl";
import { x509 } from "../../../../protocol/crypto/x509";
import { isDeviceIdentity, MAX_MESSAGE_BYTES } from "../../../../protocol/topics";
import { log as baseLog, type Logger } from "../../../platform/log/logger";
import {
  brokerConnections,
  brokerConnects,
  brokerMessages,
  brokerRejections,
} from "../../../platform/metrics/fleet";
import { normalizeSerial } from "../pki/issue";
import { type BrokerClusterOptions, redisCluster } from "./cluster";
import { dropAtExpiry, guardPacketSize } from "./connection-guards";
import { Deliveries, withoutOrderedDedupe } from "./deliveries";
import { clientIdAllowed, identityOf } from "./identity";
import { indexedMemoryPersistence } from "./retained";
import {
  LocalShareDirectory,
  parseShared,
  SharedSubscriptions,
  shareKey,
} from "./shared-subscriptions";
import { type CertRef, isRevoked, TlsSessions } from "./tls-sessions";
import type { Trust } from "./trust";
import { TrustReader, trustChanges } from "./trust-state";

export interface EmbeddedBrokerOptions extends Trust {
  host?: string;
  /** 0: a free port. */
  port?: number;
  serverCertPem: string;
  serverKeyPem: string;
  /** Where dropped connections are reported (one warning each). */
  log?: Logger;
  /** Share messages, retained state and subscriptions with other brokers through Redis. */
  cluster?: BrokerClusterOptions;
}

export interface EmbeddedBroker {
  url: string;
  port: number;
  /** This broker's id among its cluster's brokers. */
  id: string;
  /** TLS connections open here. */
  readonly sessions: number;
  /**
   * New handshakes use the new trust; of the connected clients, those whose certificate the
   * new trust revokes or whose CA it drops are disconnected. checked: sessions looked at.
   */
  updateTrust(trust: Trust): Promise<{ checked: number; disconnected: number }>;
  /** Disconnects this broker's connections of these identities; how many. */
  kick(identities: Iterable<string>): number;
  /** The client ids this broker counts as members of a shared subscription (any broker's). */
  shareMembers(group: string, filter: string): readonly string[];
  close(): Promise<void>;
}

function authError(message: string, returnCode: 2 | 5): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** A will from the cluster's persistence names its client; a device's client id is its identity. */
function willOwner(packet: object) {
  const id = (packet as { clientId?: unknown }).clientId;
  return typeof id === "string" && isDeviceIdentity(id) ? id : undefined;
}

/** The CAs above the peer's certificate in the chain the handshake built, root last. */
function caChain(peer: DetailedPeerCertificate): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = [];
  const seen = new Set<DetailedPeerCertificate>([peer]);
  for (let ca = peer.issuerCertificate; ca && !seen.has(ca); ca = ca.issuerCertificate) {
    seen.add(ca);
    chain.push(ca);
  }
  return chain;
}

/** What a CA of a verified chain adds to a session: its subject, and its own ref if it has an issuer. */
interface CaFacts {
  subject: string;
  ref?: CertRef;
}

/**
 * CA certificates read once per process, by SHA-256 of their DER: every connect of an org's
 * devices presents the same org CA, and reading one in JavaScript cost more than the rest of
 * the connect. Bounded: emptied when full (a CA is read again at its next connect).
 */
const caFacts = new Map<string, CaFacts>();
const MAX_CA_FACTS = 10_000;

function factsOf(ca: DetailedPeerCertificate): CaFacts {
  let facts = caFacts.get(ca.fingerprint256);
  if (!facts) {
    const cert = new x509.X509Certificate(ca.raw);
    facts = { subject: cert.subject };
    if (cert.subject !== cert.issuer)
      facts.ref = { issuer: cert.issuer, serial: normalizeSerial(cert.serialNumber) };
    if (caFacts.size >= MAX_CA_FACTS) caFacts.clear();
    caFacts.set(ca.fingerprint256, facts);
  }
  return facts;
}

/**
 * The client's certificate and the intermediates above it, as CRLs name them. The leaf's
 * issuer is the subject of the CA the handshake verified it with (the same DER name), so
 * the leaf itself is not parsed again: its serial is the handshake's.
 */
function certRefs(peer: DetailedPeerCertificate, chain: DetailedPeerCertificate[]): CertRef[] {
  const issuer = chain[0];
  if (!issuer || !/^[0-9A-Fa-f]+$/.test(peer.serialNumber ?? ""))
    throw new Error("the verified chain has no issuer or the certificate no serial");
  const refs = [{ issuer: factsOf(issuer).subject, serial: normalizeSerial(peer.serialNumber) }];
  for (const ca of chain) {
    const ref = factsOf(ca).ref;
    if (ref) refs.push(ref);
  }
  return refs;
}

export async function startEmbeddedBroker(o: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const identities = new WeakMap<Client, string>();
  // Read from the certificate once, at the handshake; CONNECT comes after on the same socket.
  const peerIdentities = new WeakMap<TLSSocket, string | undefined>();
  const sessions = new TlsSessions();
  const log = o.log ?? baseLog.child({ component: "fleet-broker" });
  const cluster = o.cluster ? redisCluster({ log, ...o.cluster }) : undefined;
  const directory = cluster?.shares ?? new LocalShareDirectory();
  const shares = new SharedSubscriptions(directory);
  const deliveries = new Deliveries();
  const reader = new TrustReader();
  let trustState = reader.read(o);

  const aedes = await Aedes.createBroker({
    ...(cluster?.aedes ?? { persistence: indexedMemoryPersistence() }),
    authenticate(client, _username, _password, done) {
      const identity = peerIdentities.get(client.conn as TLSSocket);
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
      // A last will is checked now, as Mosquitto does: one the client may not publish is
      // refused with the connection, rather than kept and found out when it is due.
      const will = (client as Client & { _will?: { topic: string; payload: Buffer } })._will;
      if (will && (!mayPublish(identity, will.topic) || will.payload.length > MAX_MESSAGE_BYTES)) {
        brokerRejections().inc({ reason: "publish_acl" });
        return done(authError(`${identity} may not leave a will on ${will.topic}`, 5), false);
      }
      identities.set(client, identity);
      withoutOrderedDedupe(client);
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      // No client: the will of a device whose broker stopped (cluster), published by this one.
      const identity = client ? identities.get(client) : willOwner(packet);
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
      const shared = parseShared(sub.topic);
      // A persistent session would keep a share as its plain filter: shares are for clean ones.
      const shareOk = shared === undefined || (shared !== null && client.clean);
      const allowed = !!identity && shareOk && maySubscribe(identity, sub.topic);
      if (!allowed) {
        brokerRejections().inc({ reason: "subscribe_acl" });
        return done(null, null); // SUBACK 0x80
      }
      shares.subscribed(client, sub.topic).then(
        (topic) => done(null, { ...sub, topic }),
        (error: Error) => done(error, null),
      );
    },
    authorizeForward(client, packet) {
      return shares.forward(client, packet) && deliveries.first(client, packet) ? packet : null;
    },
  });
  aedes.on("unsubscribe", (topics: string[], client: Client) =>
    shares.unsubscribed(client, topics),
  );
  aedes.on("clientDisconnect", (client: Client) => shares.disconnected(client));
  // Persistence failures (Redis away) are reported here; without a listener they would end
  // the process.
  (aedes as EventEmitter).on("error", (error: Error) =>
    log.error("MQTT broker error", { error: error.message }),
  );

  // TLS verifies the chain up to a trust anchor (the root); revocation is checked below,
  // against the revoked serials of trustState. OpenSSL's own CRL check would need a CRL
  // for every org CA in the chain, and so a new CRL in the context for every new org.
  const tlsOptions = (trust: Trust) => ({
    key: o.serverKeyPem,
    cert: o.serverCertPem,
    ca: trust.caBundle,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: "TLSv1.2" as const,
  });
  // noDelay: each packet goes out at once. With Nagle's algorithm a SUBACK followed by the
  // retained desired state, or two quick PUBLISHes, wait for the client's delayed ACK (40 ms).
  const server: Server = createServer({ ...tlsOptions(o), noDelay: true }, (socket) => {
    const detailed = socket.getPeerCertificate(true);
    const chain = caChain(detailed);
    let certs: CertRef[];
    const notAfter = new Date(detailed.valid_to);
    try {
      certs = certRefs(detailed, chain);
      if (Number.isNaN(notAfter.getTime())) throw new Error("no end of validity");
    } catch {
      socket.destroy(); // OpenSSL verified it, but we could not read it back: refuse
      return;
    }
    if (isRevoked(certs, trustState)) {
      brokerRejections().inc({ reason: "tls" });
      socket.destroy();
      return;
    }
    const identity = identityOf(detailed);
    peerIdentities.set(socket, identity);
    const peer = {
      identity: identity ?? String(detailed.subject?.CN ?? "unknown"),
      remote: socket.remoteAddress,
    };
    sessions.add({
      socket,
      identity: peer.identity,
      certs,
      chain: chain.map((ca) => ca.fingerprint256),
    });
    brokerConnects().inc();
    brokerConnections().inc();
    socket.once("close", () => brokerConnections().dec());
    guardPacketSize(socket, (violation) => {
      brokerRejections().inc({ reason: "packet_size" });
      log.warn("MQTT client dropped: packet over the size limit", { ...peer, ...violation });
    });
    dropAtExpiry(socket, notAfter, () =>
      log.warn("MQTT client dropped: its certificate expired", {
        ...peer,
        notAfter: notAfter.toISOString(),
      }),
    );
    aedes.handle(socket);
  });
  // Refused handshakes (unknown CA, revoked or expired certificate): counted, nothing to do.
  server.on("tlsClientError", () => brokerRejections().inc({ reason: "tls" }));
  try {
    await cluster?.start();
    await new Promise<void>((resolve, reject) => {
      // A fleet reconnecting at once (a broker restart) arrives faster than handshakes are
      // done: a deeper accept queue than Node's 511 keeps SYNs from being dropped and
      // retried seconds later (the kernel caps it at net.core.somaxconn).
      const listen = { port: o.port ?? 0, host: o.host ?? "127.0.0.1", backlog: 4096 };
      server.once("error", reject).listen(listen, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    // Nothing of a broker that failed to start outlives it (its Redis connections would).
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await cluster?.close().catch(() => undefined);
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = o.host ?? "127.0.0.1";

  // One trust change at a time, each compared with the one before.
  let applying: Promise<unknown> = Promise.resolve();
  const applyTrust = async (trust: Trust) => {
    server.setSecureContext(tlsOptions(trust));
    const next = reader.read(trust);
    const changes = trustChanges(trustState, next);
    trustState = next;
    return sessions.apply(changes, next);
  };

  return {
    url: `mqtts://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    id: aedes.id,
    get sessions() {
      return sessions.size;
    },
    updateTrust(trust) {
      const run = applying.then(() => applyTrust(trust));
      applying = run.catch(() => undefined);
      return run;
    },
    kick: (ids) => sessions.kick(ids),
    shareMembers: (group, filter) => directory.members(shareKey(group, filter)),
    async close() {
      await cluster?.shares.close(); // hands the shares over while the emitter still runs
      sessions.closeAll();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await cluster?.close();
    },
  };
}
