// Packet builders and an independent checker for fixtures: frames are assembled
// byte by byte here and checksums recomputed from scratch, never via the data plane.
import { addrBytes, ipv4Bytes } from "../../../protocol/addr";

export const TCP = { fin: 1, syn: 2, rst: 4, psh: 8, ack: 16 } as const;

export function inetSum(...parts: Buffer[]): number {
  const all = Buffer.concat(parts);
  const b = all.length % 2 ? Buffer.concat([all, Buffer.alloc(1)]) : all;
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += b.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function eth(type: number, payload: Buffer, vlans: number[] = []): Buffer {
  const head = Buffer.alloc(12);
  Buffer.from("02000000000102000000000200".slice(0, 24), "hex").copy(head);
  const tags = vlans.map((v, i) => {
    const t = Buffer.alloc(4);
    t.writeUInt16BE(i === 0 && vlans.length > 1 ? 0x88a8 : 0x8100, 0);
    t.writeUInt16BE(v & 0xfff, 2);
    return t;
  });
  // Each tag's TPID sits before it; the inner type ends the chain.
  const et = Buffer.alloc(2);
  et.writeUInt16BE(type);
  if (tags.length === 0) return Buffer.concat([head, et, payload]);
  const chain: Buffer[] = [];
  tags.forEach((t, i) => {
    const tpid = t.subarray(0, 2);
    const tci = t.subarray(2);
    chain.push(tpid);
    chain.push(tci);
    if (i === tags.length - 1) chain.push(et);
  });
  return Buffer.concat([head, ...chain, payload]);
}

export interface L4 {
  proto: "tcp" | "udp" | "icmp";
  sport?: number;
  dport?: number;
  flags?: number;
  seq?: number;
  ack?: number;
  window?: number;
  /** TCP options, a multiple of 4 bytes (e.g. tcpWscale(7)). */
  tcpOptions?: Buffer;
  payload?: Buffer;
  icmpType?: number;
  icmpCode?: number;
  icmpId?: number;
  /** Bytes 4-7 of an ICMP error (unused, or the next-hop MTU). */
  icmpRest?: number;
  udpZeroCsum?: boolean;
}

function l4Header(l4: L4, v6: boolean): [proto: number, hdr: Buffer, csumOff: number] {
  const payload = l4.payload ?? Buffer.alloc(0);
  if (l4.proto === "tcp") {
    const opts = l4.tcpOptions ?? Buffer.alloc(0);
    const h = Buffer.alloc(20 + opts.length);
    h.writeUInt16BE(l4.sport ?? 40000, 0);
    h.writeUInt16BE(l4.dport ?? 80, 2);
    h.writeUInt32BE((l4.seq ?? 1) >>> 0, 4);
    h.writeUInt32BE((l4.ack ?? 0) >>> 0, 8);
    h[12] = ((20 + opts.length) / 4) << 4;
    h[13] = l4.flags ?? TCP.syn;
    h.writeUInt16BE(l4.window ?? 65535, 14);
    opts.copy(h, 20);
    return [6, Buffer.concat([h, payload]), 16];
  }
  if (l4.proto === "udp") {
    const h = Buffer.alloc(8);
    h.writeUInt16BE(l4.sport ?? 40000, 0);
    h.writeUInt16BE(l4.dport ?? 53, 2);
    h.writeUInt16BE(8 + payload.length, 4);
    return [17, Buffer.concat([h, payload]), 6];
  }
  const h = Buffer.alloc(8);
  h[0] = l4.icmpType ?? (v6 ? 128 : 8);
  h[1] = l4.icmpCode ?? 0;
  h.writeUInt16BE(l4.icmpId ?? 0x1234, 4);
  h.writeUInt16BE(1, 6);
  if (l4.icmpRest !== undefined) h.writeUInt32BE(l4.icmpRest >>> 0, 4);
  return [v6 ? 58 : 1, Buffer.concat([h, payload]), 2];
}

export interface Ipv4Opts extends L4 {
  src: string;
  dst: string;
  ttl?: number;
  tos?: number;
  options?: Buffer; // multiple of 4 bytes
  /** The whole flags + fragment offset field (0x2000 = more fragments). */
  fragOffset?: number;
  id?: number;
  vlans?: number[];
}

export function ipv4(o: Ipv4Opts): Buffer {
  const [proto, l4, csumOff] = l4Header(o, false);
  const opts = o.options ?? Buffer.alloc(0);
  const ip = Buffer.alloc(20);
  ip[0] = 0x40 | ((20 + opts.length) / 4);
  ip[1] = o.tos ?? 0;
  ip.writeUInt16BE(20 + opts.length + l4.length, 2);
  ip.writeUInt16BE(o.id ?? 0, 4);
  ip.writeUInt16BE(o.fragOffset ?? 0, 6);
  ip[8] = o.ttl ?? 64;
  ip[9] = proto;
  ipv4Bytes(o.src).copy(ip, 12);
  ipv4Bytes(o.dst).copy(ip, 16);
  const hdr = Buffer.concat([ip, opts]);
  hdr.writeUInt16BE(inetSum(hdr), 10);
  if (proto === 1) l4.writeUInt16BE(inetSum(l4), csumOff);
  else if (!(proto === 17 && o.udpZeroCsum)) {
    const pseudo = Buffer.alloc(12);
    ipv4Bytes(o.src).copy(pseudo, 0);
    ipv4Bytes(o.dst).copy(pseudo, 4);
    pseudo[9] = proto;
    pseudo.writeUInt16BE(l4.length, 10);
    const c = inetSum(pseudo, l4);
    l4.writeUInt16BE(proto === 17 && c === 0 ? 0xffff : c, csumOff);
  }
  return eth(0x0800, Buffer.concat([hdr, l4]), o.vlans);
}

export interface Ipv6Opts extends L4 {
  src: string;
  dst: string;
  ext?: { type: number; body: Buffer }[]; // body excludes next/len; padded to 8n - 2
  vlans?: number[];
  hopLimit?: number;
}

export function ipv6(o: Ipv6Opts): Buffer {
  const [proto, l4, csumOff] = l4Header(o, true);
  const ext = o.ext ?? [];
  const chain = ext.map((e, i) => {
    const next = i + 1 < ext.length ? ext[i + 1]!.type : proto;
    const h = Buffer.concat([Buffer.from([next, 0]), e.body]);
    h[1] = e.type === 44 ? 0 : h.length / 8 - 1;
    return h;
  });
  const pseudo = Buffer.alloc(40);
  addrBytes(o.src).copy(pseudo, 0);
  addrBytes(o.dst).copy(pseudo, 16);
  pseudo.writeUInt32BE(l4.length, 32);
  pseudo[39] = proto;
  l4.writeUInt16BE(inetSum(pseudo, l4), csumOff);
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  const payload = Buffer.concat([...chain, l4]);
  ip.writeUInt16BE(payload.length, 4);
  ip[6] = ext[0]?.type ?? proto;
  ip[7] = o.hopLimit ?? 64;
  addrBytes(o.src).copy(ip, 8);
  addrBytes(o.dst).copy(ip, 24);
  return eth(0x86dd, Buffer.concat([ip, payload]), o.vlans);
}

export interface Parsed {
  src: string;
  dst: string;
  proto: number;
  sport: number;
  dport: number;
  tos: number;
  ipCsumOk: boolean;
  l4CsumOk: boolean;
}

/** Independent IPv4 parser + checksum verifier for output frames. */
export function parseIpv4(frame: Buffer): Parsed {
  let off = 12;
  while (frame.readUInt16BE(off) === 0x8100 || frame.readUInt16BE(off) === 0x88a8) off += 4;
  if (frame.readUInt16BE(off) !== 0x0800) throw new Error("not IPv4");
  const ip = frame.subarray(off + 2);
  const hl = (ip[0]! & 15) * 4;
  const tot = ip.readUInt16BE(2);
  const l4 = ip.subarray(hl, tot);
  const proto = ip[9]!;
  const pseudo = Buffer.alloc(12);
  ip.copy(pseudo, 0, 12, 20);
  pseudo[9] = proto;
  pseudo.writeUInt16BE(l4.length, 10);
  const udpNoCsum = proto === 17 && l4.readUInt16BE(6) === 0;
  return {
    src: [...ip.subarray(12, 16)].join("."),
    dst: [...ip.subarray(16, 20)].join("."),
    proto,
    sport: proto === 1 ? 0 : l4.readUInt16BE(0),
    dport: proto === 1 ? 0 : l4.readUInt16BE(2),
    tos: ip[1]!,
    ipCsumOk: inetSum(ip.subarray(0, hl)) === 0,
    l4CsumOk: proto === 1 ? inetSum(l4) === 0 : udpNoCsum || inetSum(pseudo, l4) === 0,
  };
}

/** TCP options: NOP, window scale `shift` (4 bytes). */
export const tcpWscale = (shift: number) => Buffer.from([1, 3, 3, shift]);

/** The IP packet inside an Ethernet frame (no VLAN tags), first `n` bytes. */
export function ipPart(frame: Buffer, n = frame.length): Buffer {
  return frame.subarray(14, 14 + n);
}

/** ICMP "fragmentation needed" (IPv4) quoting the first `quoteLen` bytes of `sent`. */
export function fragNeeded(o: {
  src: string;
  dst: string;
  sent: Buffer;
  mtu?: number;
  quoteLen?: number;
}) {
  return ipv4({
    src: o.src,
    dst: o.dst,
    proto: "icmp",
    icmpType: 3,
    icmpCode: 4,
    icmpRest: o.mtu ?? 1400,
    payload: ipPart(o.sent, o.quoteLen),
  });
}

/** ICMPv6 "packet too big" quoting the first `quoteLen` bytes of `sent`. */
export function packetTooBig(o: {
  src: string;
  dst: string;
  sent: Buffer;
  mtu?: number;
  quoteLen?: number;
}) {
  return ipv6({
    src: o.src,
    dst: o.dst,
    proto: "icmp",
    icmpType: 2,
    icmpRest: o.mtu ?? 1280,
    payload: ipPart(o.sent, o.quoteLen),
  });
}
