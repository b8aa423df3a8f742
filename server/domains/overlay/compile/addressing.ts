// Names and numbers of a path that both of its ends must agree on without talking to each
// other: every one is a pure function of ids the two ends share (docs/overlay.md).
import { createHash } from "node:crypto";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** A path's id: its two link ids sorted and joined by "~", the same at both ends. */
export const pathIdOf = (linkA: string, linkB: string) =>
  linkA < linkB ? `${linkA}~${linkB}` : `${linkB}~${linkA}`;

/**
 * The tunnel interface of a path on one device. Includes the device id because
 * wireguard-go's control sockets (/var/run/wireguard/<ifname>.sock) are shared by every
 * network namespace of a host: two boxes on one host must not pick the same name.
 */
export const tunnelIfname = (deviceId: string, pathId: string) =>
  `pw${sha256(`${deviceId}:${pathId}`).slice(0, 8)}`;

/** RFC 5952 text of eight 16-bit groups: no leading zeros, the longest zero run as "::". */
export function formatIpv6(groups: readonly number[]): string {
  let best = { at: -1, len: 0 };
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.len < 2) return hex.join(":");
  return `${hex.slice(0, best.at).join(":")}::${hex.slice(best.at + best.len).join(":")}`;
}

/**
 * The inner addresses of a path: a /64 of fd00::/8 whose other 56 bits come from
 * sha256(orgId + pathId); `::1` belongs to the end whose link id sorts first, `::2` to
 * the other.
 */
export function pathAddresses(orgId: string, pathId: string) {
  const h = sha256(orgId + pathId);
  const prefix = [
    0xfd00 | Number.parseInt(h.slice(0, 2), 16),
    Number.parseInt(h.slice(2, 6), 16),
    Number.parseInt(h.slice(6, 10), 16),
    Number.parseInt(h.slice(10, 14), 16),
  ];
  return {
    first: formatIpv6([...prefix, 0, 0, 0, 1]),
    second: formatIpv6([...prefix, 0, 0, 0, 2]),
  };
}

/** WireGuard's conventional port; a device's paths listen on consecutive ports from it. */
export const BASE_LISTEN_PORT = 51820;
