import { isIP } from "node:net";
import { isTrustedPeer, type TrustedProxies } from "./client-ip";

/**
 * The host the client asked for (`host[:port]`, lower case), as the portal server worked it
 * out from the request (see `resolveRequestHost`). Overwritten on every request like the
 * client address, so a value a client sends itself never arrives here.
 */
export const HOST_HEADER = "x-patronus-host";

/** A request's host: `authority` as the browser wrote it (origin), `hostname` without port. */
export interface RequestHost {
  hostname: string;
  authority: string;
}

/** `Portal.Example.com.:8443` → `{ hostname: "portal.example.com", authority: "portal.example.com:8443" }`. */
export function parseAuthority(value: string | undefined | null): RequestHost | null {
  const text = (value ?? "").trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(text);
  if (!match?.[1]) return null;
  const hostname = match[1].replace(/\.$/, "");
  if (!hostname || hostname.length > 253) return null;
  const port = match[2] !== undefined ? Number(match[2]) : undefined;
  if (port !== undefined && (port < 1 || port > 65_535)) return null;
  return { hostname, authority: port !== undefined ? `${hostname}:${port}` : hostname };
}

/**
 * The host a request was for: its Host header, unless the peer is a trusted proxy
 * (TRUSTED_PROXIES), then the right-most X-Forwarded-Host entry (the one the nearest proxy
 * wrote). A client's own X-Forwarded-Host is never believed. "" when there is none.
 */
export function resolveRequestHost(
  socketAddress: string | undefined,
  host: string | undefined,
  forwardedHost: string | string[] | undefined,
  trusted: TrustedProxies,
): string {
  const forwarded = (Array.isArray(forwardedHost) ? forwardedHost.join(",") : (forwardedHost ?? ""))
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)
    .at(-1);
  const chosen = forwarded && isTrustedPeer(socketAddress, trusted) ? forwarded : host;
  return parseAuthority(chosen)?.authority ?? "";
}

/** The host the portal server stamped on `headers`, or null (no stamp: a direct call). */
export function requestHost(headers: Headers | undefined): RequestHost | null {
  const host = parseAuthority(headers?.get(HOST_HEADER));
  // An IP literal is never a custom domain.
  if (host && isIP(host.hostname.replace(/^\[|\]$/g, ""))) return null;
  return host;
}
