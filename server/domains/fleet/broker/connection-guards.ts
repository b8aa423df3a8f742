// What the embedded broker enforces on each TLS connection itself, beneath Aedes: no
// packet over MAX_PACKET_BYTES, and no connection past its certificate's notAfter.
import type { Duplex } from "node:stream";
import { MAX_PACKET_BYTES, PacketSizeScanner, type PacketViolation } from "./packet-limit";

/**
 * Cuts the connection at the fixed header of a packet over `maxBytes`. mqtt-packet
 * (Aedes's parser) keeps every byte of a packet until it is complete, up to MQTT's 256 MB,
 * and has no limit of its own. Aedes reads its socket in paused mode ('readable', then
 * read()), so every chunk it parses is returned by read() first: each is scanned there,
 * and at the first header over the limit the socket is destroyed and nothing handed on.
 * The socket meanwhile holds at most its high-water mark; nothing else is buffered.
 */
export function guardPacketSize(
  socket: Duplex,
  onDrop: (violation: PacketViolation & { limitBytes: number }) => void,
  maxBytes = MAX_PACKET_BYTES,
) {
  const scanner = new PacketSizeScanner(maxBytes);
  const read = socket.read.bind(socket);
  socket.read = (size?: number) => {
    const chunk: Buffer | null = read(size);
    if (chunk === null || socket.destroyed) return chunk;
    const violation = scanner.push(chunk);
    if (!violation) return chunk;
    onDrop({ ...violation, limitBytes: maxBytes });
    socket.destroy();
    return null;
  };
}

/** setTimeout's longest delay (about 24.8 days); a later expiry re-arms on the way. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Destroys the socket when `notAfter` passes. TLS checks validity at the handshake only,
 * and a device stays connected for weeks: without this, an expired certificate would keep
 * working for as long as its connection lasts.
 */
export function dropAtExpiry(socket: Duplex, notAfter: Date, onDrop: () => void) {
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    const left = notAfter.getTime() - Date.now();
    if (left > 0) {
      timer = setTimeout(check, Math.min(left, MAX_DELAY_MS)).unref();
      return;
    }
    if (socket.destroyed) return;
    onDrop();
    socket.destroy();
  };
  socket.once("close", () => clearTimeout(timer));
  check();
}
