import { crc32 } from "node:zlib";
import { Bytes } from "./bytes";

export interface Size {
  width: number;
  height: number;
}

const IEND = 0x49454e44;
const IHDR = 0x49484452;

/**
 * PNG: the size is in IHDR, which must be the first chunk. Every chunk is walked with its
 * CRC checked up to IEND, so a truncated or spliced file is refused, not half-shown.
 */
export function pngSize(data: Uint8Array): Size {
  const b = new Bytes(data, "PNG");
  b.check(b.u32be(8) === 13 && b.u32be(12) === IHDR, "The PNG file has no valid IHDR header");
  const size = { width: b.u32be(16), height: b.u32be(20) };
  let offset = 8;
  for (;;) {
    const length = b.u32be(offset);
    const type = b.u32be(offset + 4);
    b.check(length < 0x80000000 && offset + 12 + length <= b.length);
    const crc = b.u32be(offset + 8 + length);
    b.check(
      crc32(data.subarray(offset + 4, offset + 8 + length)) === crc,
      "The PNG file is damaged (a chunk's checksum does not match)",
    );
    offset += 12 + length;
    if (type === IEND) break;
  }
  return size;
}
