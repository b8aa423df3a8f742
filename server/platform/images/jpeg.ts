import { Bytes } from "./bytes";
import { badImage } from "./image-error";
import type { Size } from "./png";

// Start-of-frame markers (baseline, progressive, lossless, arithmetic): not C4 (DHT),
// C8 (reserved) or CC (DAC), which share the range.
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * JPEG: walks the marker segments from SOI to the first SOF, whose header holds the size;
 * the image data must then end in an EOI marker (else the file is truncated).
 */
export function jpegSize(data: Uint8Array): Size {
  const b = new Bytes(data, "JPEG");
  let offset = 2;
  for (let segments = 0; segments < 10_000; segments++) {
    b.check(b.u8(offset) === 0xff, "The JPEG file is damaged (expected a marker)");
    let marker = b.u8(offset + 1);
    while (marker === 0xff) marker = b.u8(++offset + 1); // fill bytes
    offset += 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    b.check(marker !== 0xd9 && marker !== 0xda, "The JPEG file has no frame header (SOF)");
    const length = b.u16be(offset);
    b.check(length >= 2 && offset + length <= b.length);
    if (SOF.has(marker)) {
      b.check(length >= 8);
      const size = { height: b.u16be(offset + 3), width: b.u16be(offset + 5) };
      let end = data.length;
      while (end > offset && data[end - 1] === 0) end--; // zero padding some tools add
      b.check(
        data[end - 2] === 0xff && data[end - 1] === 0xd9,
        "The JPEG file is truncated (no end-of-image marker)",
      );
      return size;
    }
    offset += length;
  }
  throw badImage("The JPEG file has too many segments before its frame header");
}
