// A trust bundle read as sets, so that two of them can be compared: which CAs went away and
// which certificates were revoked in between. That difference, not the announcement that
// triggered a reload, says which sessions a broker must look at: a missed or reordered
// announcement changes nothing, and revoking one device costs the check of its sessions
// alone. Parsing is cached by PEM: a reload parses only the CAs and CRLs that changed.
import { X509Certificate } from "node:crypto";
import { x509 } from "../../../../protocol/crypto/x509";
import { normalizeSerial } from "../pki/issue";
import type { Trust } from "./trust";

export interface TrustState {
  /** SHA-256 fingerprints (Node's `fingerprint256` form) of every trusted CA. */
  cas: Set<string>;
  /** Revoked serials (normalizeSerial) per CRL issuer, as @peculiar/x509 writes names. */
  revoked: Map<string, Set<string>>;
  /** The org a CA stands for (its O), per CA subject: an org CA names its org there. */
  orgOfIssuer: Map<string, string>;
}

export interface TrustChanges {
  /** Fingerprints of CAs no longer trusted: their sessions must go. */
  removedCas: string[];
  /** Serials revoked since, per issuer. */
  revoked: { issuer: string; orgId?: string; serials: string[] }[];
}

const pemBlocks = (bundle: string) =>
  bundle.match(/-----BEGIN [A-Z0-9 ]+-----[\s\S]+?-----END [A-Z0-9 ]+-----/g) ?? [];

type ParsedCa = { fingerprint: string; subject: string; org?: string };
type ParsedCrl = { issuer: string; serials: Set<string> };

/** Reads bundles into TrustStates, keeping what it parsed for the next bundle. */
export class TrustReader {
  private cas = new Map<string, ParsedCa>();
  private crls = new Map<string, ParsedCrl>();

  read(trust: Trust): TrustState {
    const cas = new Map<string, ParsedCa>();
    for (const pem of pemBlocks(trust.caBundle)) cas.set(pem, this.cas.get(pem) ?? parseCa(pem));
    const crls = new Map<string, ParsedCrl>();
    for (const pem of pemBlocks(trust.crlBundle))
      crls.set(pem, this.crls.get(pem) ?? parseCrl(pem));
    // Only the current bundle's entries are kept: the cache never outgrows one bundle.
    this.cas = cas;
    this.crls = crls;
    const state: TrustState = { cas: new Set(), revoked: new Map(), orgOfIssuer: new Map() };
    for (const ca of cas.values()) {
      state.cas.add(ca.fingerprint);
      if (ca.org) state.orgOfIssuer.set(ca.subject, ca.org);
    }
    for (const crl of crls.values()) {
      const other = state.revoked.get(crl.issuer);
      // Two CRLs of one issuer: a new set, since the cached ones must stay as parsed.
      state.revoked.set(crl.issuer, other ? new Set([...other, ...crl.serials]) : crl.serials);
    }
    return state;
  }
}

function parseCa(pem: string): ParsedCa {
  const cert = new x509.X509Certificate(pem);
  const org = cert.subjectName.getField("O")[0];
  return {
    fingerprint: new X509Certificate(pem).fingerprint256,
    subject: cert.subject,
    ...(org ? { org } : {}),
  };
}

function parseCrl(pem: string): ParsedCrl {
  const crl = new x509.X509Crl(pem);
  return {
    issuer: crl.issuer,
    serials: new Set(crl.entries.map((e) => normalizeSerial(e.serialNumber))),
  };
}

/** What `after` takes away from `before`. Sets shared by both (unchanged CRLs) cost nothing. */
export function trustChanges(before: TrustState, after: TrustState): TrustChanges {
  const removedCas = [...before.cas].filter((fp) => !after.cas.has(fp));
  const revoked: TrustChanges["revoked"] = [];
  for (const [issuer, now] of after.revoked) {
    const was = before.revoked.get(issuer);
    if (was === now) continue;
    const serials = [...now].filter((s) => !was?.has(s));
    if (serials.length === 0) continue;
    const orgId = after.orgOfIssuer.get(issuer);
    revoked.push({ issuer, serials, ...(orgId ? { orgId } : {}) });
  }
  return { removedCas, revoked };
}
