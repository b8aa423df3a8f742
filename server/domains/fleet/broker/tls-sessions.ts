// The embedded broker's open TLS connections, indexed by what can end them: the certificates
// (issuer and serial of the client's and of its org CA: a revocation), the CAs its chain was
// verified through (a CA that is no longer trusted) and the identity it names (a kick). A trust change then looks at the
// sessions it concerns and no others: revoking one device among 10,000 connected checks
// that device's sessions, not 10,000 certificates.
import type { TLSSocket } from "node:tls";
import type { TrustChanges, TrustState } from "./trust-state";

/** A certificate's issuer and serial, as the CRLs name them (trust-state.ts). */
export interface CertRef {
  issuer: string;
  serial: string;
}

export interface TlsSession {
  socket: TLSSocket;
  identity: string;
  /** The client's certificate, then the intermediates above it (an org CA). */
  certs: CertRef[];
  /** fingerprint256 of every CA above the certificate in the chain the handshake verified. */
  chain: string[];
}

/** Sessions checked per turn of the event loop: a CA with many devices never stalls it. */
const CHUNK = 500;

const certKey = (issuer: string, serial: string) => `${issuer}\n${serial}`;

function addTo<K>(index: Map<K, Set<TlsSession>>, key: K, s: TlsSession) {
  const set = index.get(key);
  if (set) set.add(s);
  else index.set(key, new Set([s]));
}

function removeFrom<K>(index: Map<K, Set<TlsSession>>, key: K, s: TlsSession) {
  const set = index.get(key);
  if (!set) return;
  set.delete(s);
  if (set.size === 0) index.delete(key);
}

export class TlsSessions {
  private readonly sockets = new Set<TLSSocket>();
  private readonly byCert = new Map<string, Set<TlsSession>>();
  private readonly byCa = new Map<string, Set<TlsSession>>();
  private readonly byIdentity = new Map<string, Set<TlsSession>>();

  get size() {
    return this.sockets.size;
  }

  /** Indexes a session until its socket closes. */
  add(s: TlsSession) {
    this.sockets.add(s.socket);
    for (const c of s.certs) addTo(this.byCert, certKey(c.issuer, c.serial), s);
    for (const fp of s.chain) addTo(this.byCa, fp, s);
    addTo(this.byIdentity, s.identity, s);
    s.socket.once("close", () => {
      this.sockets.delete(s.socket);
      for (const c of s.certs) removeFrom(this.byCert, certKey(c.issuer, c.serial), s);
      for (const fp of s.chain) removeFrom(this.byCa, fp, s);
      removeFrom(this.byIdentity, s.identity, s);
    });
  }

  /** Closes every connection of these identities here; how many were closed. */
  kick(identities: Iterable<string>) {
    let closed = 0;
    for (const identity of identities)
      for (const s of [...(this.byIdentity.get(identity) ?? [])]) {
        s.socket.destroy();
        closed++;
      }
    return closed;
  }

  /**
   * Closes the sessions that `changes` took trust from, judged against `state` (the trust
   * now). checked: how many sessions were looked at, which is what a change costs.
   */
  async apply(changes: TrustChanges, state: TrustState) {
    const candidates = new Set<TlsSession>();
    for (const { issuer, serials } of changes.revoked)
      for (const serial of serials)
        for (const s of this.byCert.get(certKey(issuer, serial)) ?? []) candidates.add(s);
    for (const fp of changes.removedCas) for (const s of this.byCa.get(fp) ?? []) candidates.add(s);
    let checked = 0;
    let disconnected = 0;
    for (const s of candidates) {
      if (checked > 0 && checked % CHUNK === 0) await new Promise((r) => setImmediate(r));
      checked++;
      if (s.socket.destroyed || trusted(s, state)) continue;
      s.socket.destroy();
      disconnected++;
    }
    return { checked, disconnected };
  }

  closeAll() {
    for (const socket of this.sockets) socket.destroy();
  }
}

/** Whether a CRL of `state` revokes one of these certificates. */
export const isRevoked = (certs: CertRef[], state: TrustState) =>
  certs.some((c) => state.revoked.get(c.issuer)?.has(c.serial));

function trusted(s: TlsSession, state: TrustState) {
  return !isRevoked(s.certs, state) && s.chain.some((fp) => state.cas.has(fp));
}
