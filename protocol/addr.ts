// 16-byte addresses as the data plane stores them: IPv4 is ::ffff:a.b.c.d, so
// one LPM/conntrack key shape serves both families. Shared: the agent's data plane, and the
// server's CIDR checks (server/platform/http/cidr.ts).
import { isIPv4, isIPv6 } from "node:net";

const V4_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

export function ipv4Bytes(ip: string): Buffer {
  if (!isIPv4(ip)) throw new Error(`not an IPv4 address: ${ip}`);
  return Buffer.from(ip.split(".").map(Number));
}

export function addrBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from([...V4_PREFIX, ...ipv4Bytes(ip)]);
  if (!isIPv6(ip)) throw new Error(`not an IP address: ${ip}`);
  const [head = "", tail] = ip.split("::");
  const groups = (s: string) => (s ? s.split(":") : []);
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill("0");
  const out = Buffer.alloc(16);
  for (const [i, g] of [...h, ...fill, ...t].entries())
    out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  return out;
}

export function bytesToAddr(b: Buffer): string {
  if (b.subarray(0, 12).equals(Buffer.from(V4_PREFIX))) return [...b.subarray(12)].join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return groups.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
}

/** "10.0.0.0/8" -> canonical text of the masked address and the prefix length in
 * the 128-bit space (IPv4: 96 + len). Canonical so prefixes read back from the
 * kernel compare equal to configured ones. */
export function parsePrefix(cidr: string): { addr: string; prefixlen: number } {
  const [ip = "", len] = cidr.split("/");
  const v4 = isIPv4(ip);
  const bits = len === undefined ? (v4 ? 32 : 128) : Number(len);
  const max = v4 ? 32 : 128;
  if (!Number.isInteger(bits) || bits < 0 || bits > max) throw new Error(`bad prefix ${cidr}`);
  const prefixlen = v4 ? 96 + bits : bits;
  const b = addrBytes(ip);
  for (let i = 0; i < 128; i++) if (i >= prefixlen) b[i >> 3]! &= ~(0x80 >> (i % 8));
  return { addr: bytesToAddr(b), prefixlen };
}
