// Where webhooks may go: never to the control plane's own networks. Every address a URL
// names or resolves to is checked, and the connection is made to the checked address, so
// a DNS answer that changes in between (rebinding) cannot redirect it. Pure: no I/O.
import { BlockList, isIP } from "node:net";
import { inCidrList } from "../../../platform/http/cidr";

const RANGES: [string, number, "ipv4" | "ipv6", string][] = [
  ["0.0.0.0", 8, "ipv4", "unspecified"],
  ["10.0.0.0", 8, "ipv4", "private"],
  ["100.64.0.0", 10, "ipv4", "carrier-grade NAT"],
  ["127.0.0.0", 8, "ipv4", "loopback"],
  ["169.254.0.0", 16, "ipv4", "link-local (cloud metadata)"],
  ["172.16.0.0", 12, "ipv4", "private"],
  ["192.0.0.0", 24, "ipv4", "reserved"],
  ["192.0.2.0", 24, "ipv4", "documentation"],
  ["192.168.0.0", 16, "ipv4", "private"],
  ["198.18.0.0", 15, "ipv4", "benchmarking"],
  ["198.51.100.0", 24, "ipv4", "documentation"],
  ["203.0.113.0", 24, "ipv4", "documentation"],
  ["224.0.0.0", 4, "ipv4", "multicast"],
  ["240.0.0.0", 4, "ipv4", "reserved"],
  ["::", 128, "ipv6", "unspecified"],
  ["::1", 128, "ipv6", "loopback"],
  // IPv4-compatible, NAT64 and 6to4 addresses embed an IPv4 address that may be private.
  ["::", 96, "ipv6", "IPv4-compatible"],
  ["64:ff9b::", 96, "ipv6", "NAT64"],
  ["64:ff9b:1::", 48, "ipv6", "NAT64"],
  ["2002::", 16, "ipv6", "6to4"],
  ["100::", 64, "ipv6", "discard"],
  ["2001:db8::", 32, "ipv6", "documentation"],
  ["fc00::", 7, "ipv6", "unique local (includes fd00:ec2::254, cloud metadata)"],
  ["fe80::", 10, "ipv6", "link-local"],
  ["fec0::", 10, "ipv6", "site-local"],
  ["ff00::", 8, "ipv6", "multicast"],
];

const lists = RANGES.map(([address, bits, family, kind]) => {
  const list = new BlockList();
  list.addSubnet(address, bits, family);
  return { list, kind };
});

/**
 * Why `address` may not receive webhooks, or undefined when it may. `allow` (the operator's
 * WEBHOOK_ALLOW_CIDRS) wins over every refusal. IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is
 * judged as the IPv4 address it maps (BlockList does so).
 */
export function refusedAddress(address: string, allow?: BlockList): string | undefined {
  const family = isIP(address);
  if (family === 0) return "not an IP address";
  if (allow && inCidrList(allow, address)) return undefined;
  const type = family === 6 ? "ipv6" : "ipv4";
  const hit = lists.find(({ list }) => list.check(address, type));
  if (hit) return `a ${hit.kind} address`;
  // Outside the global unicast block nothing is routable on the internet.
  if (family === 6 && !/^::ffff:/i.test(address) && !/^[23]/.test(expandFirstGroup(address)))
    return "not a global unicast address";
  return undefined;
}

/** The first group of an IPv6 address, 4 hex digits (`2001:…` → `2001`, `::1` → `0000`). */
function expandFirstGroup(address: string) {
  const first = address.startsWith("::") ? "0" : (address.split(":")[0] ?? "0");
  return first.padStart(4, "0");
}
