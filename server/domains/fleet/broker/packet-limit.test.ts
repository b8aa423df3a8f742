import { describe, expect, it } from "vitest";
import { mosquittoConf } from "./mosquitto-config";
import { MAX_PACKET_BYTES, PacketSizeScanner } from "./packet-limit";

/** A packet's fixed header: type byte and MQTT's variable-length remaining length. */
function header(type: number, remaining: number) {
  const out = [type];
  do {
    const byte = remaining % 128;
    remaining = Math.floor(remaining / 128);
    out.push(remaining > 0 ? byte | 0x80 : byte);
  } while (remaining > 0);
  return Buffer.from(out);
}
const packet = (type: number, bodyBytes: number) =>
  Buffer.concat([header(type, bodyBytes), Buffer.alloc(bodyBytes, 0xff)]);

/** Feeds `bytes` in pieces of `size` and returns the first violation. */
function scan(bytes: Buffer, size: number, max = 100) {
  const scanner = new PacketSizeScanner(max);
  for (let i = 0; i < bytes.length; i += size) {
    const v = scanner.push(bytes.subarray(i, i + size));
    if (v) return { ...v, at: i };
  }
  return undefined;
}

describe("packet size scanner", () => {
  it("lets packets up to the limit through, whatever the chunking", () => {
    // 0x30 body 97: 1 + 1 + 97 = 99 bytes; 0xc0 (PINGREQ) has no body; 98 = exactly 100.
    const stream = Buffer.concat([packet(0x30, 97), packet(0xc0, 0), packet(0x30, 98)]);
    for (const size of [1, 2, 3, 7, 64, stream.length]) expect(scan(stream, size)).toBeUndefined();
  });

  it("flags the first packet over the limit at its header, across chunk boundaries", () => {
    const stream = Buffer.concat([packet(0x30, 50), packet(0x30, 99), packet(0x30, 5)]);
    for (const size of [1, 2, 5, 53, stream.length]) {
      const v = scan(stream, size);
      expect(v).toMatchObject({ announcedBytes: 101 });
      // Seen no later than the chunk holding the second packet's length byte (offset 53).
      expect(v?.at).toBeLessThanOrEqual(53);
    }
  });

  it("reads a four-byte remaining length: 250 MB is flagged from five bytes", () => {
    const big = header(0x30, 250 * 1024 * 1024);
    expect(big.length).toBe(5);
    expect(new PacketSizeScanner().push(big)).toEqual({ announcedBytes: 250 * 1024 * 1024 + 5 });
  });

  it("flags a remaining length longer than four bytes as malformed", () => {
    expect(scan(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), 1)).toMatchObject({
      malformed: true,
    });
  });
});

describe("the Mosquitto config", () => {
  it("caps packets at MAX_PACKET_BYTES", () => {
    const conf = mosquittoConf({ dir: "/tmp/patronus-broker", port: 8883 }, undefined);
    expect(conf.split("\n")).toContain(`max_packet_size ${MAX_PACKET_BYTES}`);
  });
});
