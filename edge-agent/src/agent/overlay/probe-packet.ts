// The probe packet: 24 bytes a path's socket sends and the peer's responder echoes
// unchanged, so the RTT is measured on one clock. The path hash lets a socket refuse an
// answer that is not for its path.
import { createHash } from "node:crypto";

export const PROBE_PORT = 7471;
const MAGIC = 0x50545052; // "PTPR"
const PROBE_BYTES = 24; // magic, path hash, seq, flags (u32 each), send time (u64 ns)
/** One probe on the underlay: 24 B payload + UDP 8 + IPv6 40 = 72 B, padded to 80 by
 * WireGuard, + 32 B of WireGuard header and tag + outer UDP 8 + IPv4 20. */
export const PROBE_WIRE_BYTES = 140;

export const pathHash = (id: string) => createHash("sha256").update(id).digest().readUInt32BE(0);

export function encodeProbe(hash: number, seq: number, sentNs: bigint): Buffer {
  const b = Buffer.alloc(PROBE_BYTES);
  b.writeUInt32BE(MAGIC, 0);
  b.writeUInt32BE(hash, 4);
  b.writeUInt32BE(seq >>> 0, 8);
  b.writeBigUInt64BE(sentNs, 16);
  return b;
}

export function decodeProbe(b: Buffer): { hash: number; seq: number; sentNs: bigint } | null {
  if (b.length !== PROBE_BYTES || b.readUInt32BE(0) !== MAGIC) return null;
  return { hash: b.readUInt32BE(4), seq: b.readUInt32BE(8), sentNs: b.readBigUInt64BE(16) };
}
