import { type BlockList, isIP } from "node:net";
import { inCidrList, parseCidrList } from "./cidr";

/**
 * The client's address, as the portal server worked it out from the socket (see
 * `resolveClientAddress`). The server overwrites this header on every request, so a value a
 * client sends itself never arrives here. `X-Forwarded-For` is not read: anyone can write it.
 */
export const CLIENT_IP_HEADER = "x-patronus-client-ip";

/**
 * The client as limiters count it: its IPv4 address, or for IPv6 the /64 it is in (one
 * customer line gets a whole /64, so counting single addresses would give an attacker
 * 2^64 fresh budgets). "unknown" when no portal server stamped the request.
 */
export function clientIp(headers: Headers | undefined): string {
  const address = headers?.get(CLIENT_IP_HEADER);
  if (!address || !isIP(address)) return "unknown";
  return isIP(address) === 6 ? ipv6Slash64(address) : address;
}

/** `2001:db8:1:2:a:b:c:d` → `2001:db8:1:2::/64`. */
export function ipv6Slash64(address: string): string {
  const [head = "", tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4 style) takes two groups.
  const expand = (groups: string[]) => groups.flatMap((g) => (g.includes(".") ? ["0", "0"] : [g]));
  const [l, r] = [expand(left), expand(right)];
  const groups = address.includes("::")
    ? [...l, ...Array(8 - l.length - r.length).fill("0"), ...r]
    : l;
  const prefix = groups.slice(0, 4).map((g) => Number.parseInt(g || "0", 16).toString(16));
  return `${prefix.join(":")}::/64`;
}

/** Which hops in front of the portal may speak for the client (TRUSTED_PROXIES). */
export type TrustedProxies =
  | { kind: "none" }
  | { kind: "count"; hops: number }
  | { kind: "cidrs"; list: BlockList; text: string };

/**
 * Parses TRUSTED_PROXIES: empty (no proxy: the socket's address is the client's), a number
 * of proxy hops in front of the portal (`1` for one load balancer), or a comma-separated
 * list of addresses and CIDRs (`10.0.0.0/8, fd00::/8, 127.0.0.1`). Throws on anything else.
 */
export function parseTrustedProxies(spec: string | undefined): TrustedProxies {
  const text = (spec ?? "").trim();
  if (!text) return { kind: "none" };
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 32) throw new Error("TRUSTED_PROXIES: at most 32 proxy hops");
    return hops === 0 ? { kind: "none" } : { kind: "count", hops };
  }
  const list = parseCidrList(
    text,
    "TRUSTED_PROXIES",
    "a hop count, or addresses/CIDRs separated by commas",
  );
  return { kind: "cidrs", list, text };
}

/**
 * `::ffff:10.0.0.1` (how a dual-stack socket reports IPv4) as `10.0.0.1`; zone ids,
 * brackets and a port a proxy may have appended (`1.2.3.4:5678`, `[2001:db8::1]:443`)
 * dropped.
 */
function normalise(address: string): string {
  let bare = address.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(bare);
  if (bracketed?.[1]) bare = bracketed[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(bare)) bare = bare.slice(0, bare.lastIndexOf(":"));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1]) return mapped[1];
  return bare.replace(/%.*$/, "").toLowerCase();
}

const isTrusted = inCidrList;

/** Whether the socket's peer is a proxy TRUSTED_PROXIES lets speak for the client. */
export function isTrustedPeer(socketAddress: string | undefined, trusted: TrustedProxies) {
  const peer = socketAddress ? normalise(socketAddress) : "";
  if (!peer || !isIP(peer) || trusted.kind === "none") return false;
  return trusted.kind === "count" || isTrusted(trusted.list, peer);
}

/**
 * The client's address: the socket's peer, unless `trusted` says proxies stand in front,
 * then the right-most `X-Forwarded-For` entry that is not one of them. Each trusted proxy
 * appends the address it saw, so entries left of the last untrusted one are the client's
 * own claims and are never used. A malformed entry where the client should be gives the
 * address of the proxy that passed it on, never the text itself.
 */
export function resolveClientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: TrustedProxies,
): string {
  const peer = socketAddress ? normalise(socketAddress) : "";
  if (!peer || !isIP(peer)) return "unknown";
  if (trusted.kind === "none") return peer;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
  const hops = [
    ...header
      .split(",")
      .map(normalise)
      .filter((e) => e !== ""),
    peer,
  ];
  if (trusted.kind === "count") {
    // The peer is the nearest proxy; each of the `hops` proxies added one entry.
    const index = Math.max(0, hops.length - 1 - trusted.hops);
    return pickValid(hops, index);
  }
  let index = hops.length - 1;
  while (index > 0 && isTrusted(trusted.list, hops[index] as string)) index--;
  return pickValid(hops, index);
}

/** hops[index] if it is an address; otherwise the nearest valid entry to its right. */
function pickValid(hops: string[], index: number): string {
  for (let i = index; i < hops.length; i++) {
    const candidate = hops[i] as string;
    if (isIP(candidate)) return candidate;
  }
  return "unknown";
}
