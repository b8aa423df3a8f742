// The embedded broker's open TLS connections, indexed by what can end them: the certificate
// (issuer and serial: a revocation), the CAs its chain was verified through (a CA that is no
// longer trusted) and the identity it names (a kick). A trust change then looks at the
// sessions it concerns and no others: revoking one device among 10,000 connected checks
// that device's sessions, not 10,000 certificates.
import type { TLSSocket } from "node:tls";
import type { TrustChanges, TrustState } from "./trust-state";

export interface TlsSession {
  socket: TLSSocket;
  identity: string;
  /** The certificate's issuer and serial, as the CRLs name them (trust-state.ts). */
  issuer: string;
  serial: string;
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
    addTo(this.byCert, certKey(s.issuer, s.serial), s);
    for (const fp of s.chain) addTo(this.byCa, fp, s);
    addTo(this.byIdentity, s.identity, s);
    s.socket.once("close", () => {
      this.sockets.delete(s.socket);
      removeFrom(this.byCert, certKey(s.issuer, s.serial), s);
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

function trusted(s: TlsSession, state: TrustState) {
  if (state.revoked.get(s.issuer)?.has(s.serial)) return false;
  return s.chain.some((fp) => state.cas.has(fp));
}
