// Malformed frame fixtures shared by the parsing tests and the fuzzer.
import { ipv4, ipv6, TCP } from "./packet";

const v4 = { src: "10.1.0.1", dst: "10.2.0.1" };
const v6 = { src: "fd00::1", dst: "fd00::2" };
const tcp = ipv4({ ...v4, proto: "tcp", flags: TCP.syn });
const udp = ipv4({ ...v4, proto: "udp" });
const tcp6 = ipv6({ ...v6, proto: "tcp" });
const edit = (b: Buffer, f: (c: Buffer) => void) => {
  const c = Buffer.from(b);
  f(c);
  return c;
};

/** Truncated and inconsistent frames: each must be counted, never read past. */
export const MALFORMED: [string, Buffer][] = [
  ["ethernet header only", Buffer.concat([Buffer.alloc(12), Buffer.from([0x08, 0x00])])],
  ["truncated vlan tag", Buffer.concat([Buffer.alloc(12), Buffer.from([0x81, 0x00, 0x00])])],
  ["truncated ipv4 header", tcp.subarray(0, 14 + 12)],
  [
    "ipv4 ihl < 5",
    edit(tcp, (c) => {
      c[14] = 0x44;
    }),
  ],
  [
    "ipv4 wrong version",
    edit(tcp, (c) => {
      c[14] = 0x65;
    }),
  ],
  ["ipv4 tot_len beyond frame", edit(tcp, (c) => c.writeUInt16BE(1500, 16))],
  ["ipv4 tot_len < ihl", edit(tcp, (c) => c.writeUInt16BE(10, 16))],
  [
    "ipv4 options beyond tot_len",
    edit(tcp, (c) => {
      c[14] = 0x4f;
    }),
  ],
  ["truncated tcp header", tcp.subarray(0, tcp.length - 8)],
  [
    "tcp doff < 5",
    edit(tcp, (c) => {
      c[14 + 20 + 12] = 0x30;
    }),
  ],
  [
    "tcp doff beyond frame",
    edit(tcp, (c) => {
      c[14 + 20 + 12] = 0xf0;
    }),
  ],
  ["udp length < 8", edit(udp, (c) => c.writeUInt16BE(4, 14 + 20 + 4))],
  ["truncated ipv6 header", tcp6.subarray(0, 14 + 30)],
  ["ipv6 payload_len beyond frame", edit(tcp6, (c) => c.writeUInt16BE(4000, 14 + 4))],
  [
    "ipv6 truncated ext header",
    ipv6({ ...v6, proto: "tcp", ext: [{ type: 0, body: Buffer.alloc(6) }] }).subarray(
      0,
      14 + 40 + 4,
    ),
  ],
];
