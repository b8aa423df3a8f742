// The UDP stream's datagram: seq (u32 BE), send time (f64 BE, ms on the shared clock:
// performance.timeOrigin + performance.now()), then padding to the configured size.
export const HEADER_BYTES = 16;
const MAGIC = 0x5054_5331; // "PTS1": anything else on the port is counted as malformed

export function writeDatagram(buf: Buffer, seq: number, sendTime: number) {
  buf.writeUInt32BE(MAGIC, 0);
  buf.writeUInt32BE(seq >>> 0, 4);
  buf.writeDoubleBE(sendTime, 8);
}

export function readDatagram(buf: Buffer): { seq: number; sendTime: number } | null {
  if (buf.length < HEADER_BYTES || buf.readUInt32BE(0) !== MAGIC) return null;
  return { seq: buf.readUInt32BE(4), sendTime: buf.readDoubleBE(8) };
}
