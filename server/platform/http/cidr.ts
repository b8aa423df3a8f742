// CIDRs that people type (an API key's allowed sources, TRUSTED_PROXIES): IPv4 or IPv6,
// checked and written one canonical way, so one network always reads the same.
import { BlockList, isIP } from "node:net";
import { addrBytes } from "../../../protocol/addr";

export interface Cidr {
  family: 4 | 6;
  /** The network address, host bits cleared, in canonical text. */
  address: string;
  bits: number;
  /** `address/bits`: what is stored and shown. */
  text: string;
}

/** The compressed, lower-case form (RFC 5952 as WHATWG URLs write it): "FD00:0::1" → "fd00::1". */
const ipv6Text = (address: string) => new URL(`http://[${address}]`).hostname.slice(1, -1);

/**
 * `10.1.2.3/8` → `10.0.0.0/8`, `2001:DB8::1/32` → `2001:db8::/32`; a bare address is its
 * /32 or /128. Null for anything else (a zone id, a prefix past the family's length).
 */
export function parseCidr(input: string): Cidr | null {
  const [address = "", prefix, extra] = input.trim().split("/");
  const family = isIP(address) as 0 | 4 | 6;
  if (family === 0 || extra !== undefined || address.includes("%")) return null;
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return null;
  const max = family === 6 ? 128 : 32;
  const bits = prefix === undefined ? max : Number(prefix);
  if (bits > max) return null;
  // An IPv4 address sits in the last 4 of the 16 bytes (::ffff:a.b.c.d).
  const bytes = addrBytes(family === 6 ? ipv6Text(address) : address);
  const offset = family === 6 ? 0 : 96;
  for (let i = offset + bits; i < 128; i++) bytes[i >> 3]! &= ~(0x80 >> (i % 8));
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16));
  const masked = family === 6 ? ipv6Text(groups.join(":")) : [...bytes.subarray(12)].join(".");
  return { family, address: masked, bits, text: `${masked}/${bits}` };
}

/** A BlockList holding `cidrs`, for `check(address)`. */
export function blockListOf(cidrs: readonly Cidr[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) list.addSubnet(c.address, c.bits, c.family === 6 ? "ipv6" : "ipv4");
  return list;
}

/** Whether `address` (a bare IP) falls in one of `cidrs` (canonical texts). */
export function inCidrs(cidrs: readonly string[], address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const parsed = cidrs.map(parseCidr).filter((c): c is Cidr => c !== null);
  return blockListOf(parsed).check(address, family === 6 ? "ipv6" : "ipv4");
}

/**
 * A setting's comma-separated addresses and CIDRs (`10.0.0.0/8, fd00::/8, 127.0.0.1`) as a
 * BlockList. Throws naming `setting` and the entry that is neither.
 */
export function parseCidrList(text: string, setting: string, hint = "addresses/CIDRs"): BlockList {
  const cidrs = text
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry) => {
      const cidr = parseCidr(entry);
      if (!cidr) throw new Error(`${setting}: "${entry}" is not an address or CIDR (give ${hint})`);
      return cidr;
    });
  return blockListOf(cidrs);
}

/** Whether `address` (a plain IPv4 or IPv6 address) is in `list`. */
export function inCidrList(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? "ipv6" : "ipv4");
}
