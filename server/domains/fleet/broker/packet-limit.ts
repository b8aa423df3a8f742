// The largest MQTT packet either broker accepts, and the scanner that lets the embedded
// broker enforce it before buffering. A device's message is at most MAX_MESSAGE_BYTES
// (checked exactly, and the connection kept, by each broker's own payload limit); this
// cap adds room for the fixed header, topic and packet id, and exists so that a packet
// announcing up to MQTT's 256 MB is cut after its header instead of being read whole.
import { MAX_MESSAGE_BYTES } from "../../../../protocol/topics";

/** Whole packet, fixed header included: Mosquitto's max_packet_size, the embedded cap. */
export const MAX_PACKET_BYTES = MAX_MESSAGE_BYTES + 4 * 1024;

export type PacketViolation = { announcedBytes: number } | { malformed: true };

/**
 * Follows an MQTT byte stream packet by packet, reading only fixed headers and skipping
 * bodies, so it holds no data: feed it every chunk in order, across any chunk boundaries.
 * push() answers the first packet that announces more than `maxBytes`, or a remaining
 * length longer than MQTT's four bytes; after a violation the stream must be dropped.
 */
export class PacketSizeScanner {
  private state: "type" | "length" | "body" = "type";
  private remaining = 0;
  private lengthBytes = 0;
  private bodyLeft = 0;

  constructor(private readonly maxBytes = MAX_PACKET_BYTES) {}

  push(chunk: Uint8Array): PacketViolation | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === "body") {
        const n = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= n;
        i += n;
        if (this.bodyLeft === 0) this.state = "type";
        continue;
      }
      const byte = chunk[i++] as number;
      if (this.state === "type") {
        this.state = "length";
        this.remaining = 0;
        this.lengthBytes = 0;
        continue;
      }
      this.remaining += (byte & 0x7f) * 128 ** this.lengthBytes++;
      if (byte & 0x80) {
        if (this.lengthBytes === 4) return { malformed: true };
        continue;
      }
      const size = 1 + this.lengthBytes + this.remaining;
      if (size > this.maxBytes) return { announcedBytes: size };
      this.bodyLeft = this.remaining;
      this.state = this.remaining > 0 ? "body" : "type";
    }
    return undefined;
  }
}
