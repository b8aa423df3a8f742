// Who a TLS client is, for the embedded broker: the CN of its verified certificate, which
// must be a device identity issued by that device's own org CA, or the control plane
// issued by the platform CA. Tying the identity to its issuer means one org's CA can
// never vouch for another org's devices: the org CA's subject, which the root signed,
// names the org (O), and the leaf's CN must name the same org.
import type { DetailedPeerCertificate, PeerCertificate } from "node:tls";
import { CONTROL_PLANE_IDENTITY, splitIdentity } from "../../../../protocol/topics";
import { orgCaName } from "../pki/ca";
import { PLATFORM_CA_NAME } from "../pki/platform";

const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

export function identityOf(cert: PeerCertificate | undefined): string | undefined {
  const cn = one(cert?.subject?.CN);
  if (!cert || !cn) return undefined;
  const issuerCn = one(cert.issuer?.CN);
  if (cn === CONTROL_PLANE_IDENTITY) return issuerCn === PLATFORM_CA_NAME ? cn : undefined;
  const ids = splitIdentity(cn);
  if (!ids) return undefined;
  if (issuerCn !== orgCaName(ids.orgId) || one(cert.issuer?.O) !== ids.orgId) return undefined;
  // With the chain (getPeerCertificate(true)), the org CA it was verified through too.
  const ca = (cert as Partial<DetailedPeerCertificate>).issuerCertificate;
  if (ca && ca !== cert && one(ca.subject?.O) !== ids.orgId) return undefined;
  return cn;
}

/**
 * A device's client id is its identity. The control plane may also use
 * `patronus:control-plane:<anything>`, so that several workers connect at once; no
 * device identity contains a colon, so this cannot collide with a device.
 */
export const clientIdAllowed = (identity: string, clientId: string) =>
  clientId === identity ||
  (identity === CONTROL_PLANE_IDENTITY && clientId.startsWith(`${CONTROL_PLANE_IDENTITY}:`));
