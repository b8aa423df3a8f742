import { Bytes } from "./bytes";
import { badImage } from "./image-error";
import { pngSize, type Size } from "./png";

/** WebP: the RIFF length must match the file; the size is in the VP8, VP8L or VP8X header. */
export function webpSize(data: Uint8Array): Size {
  const b = new Bytes(data, "WebP");
  const riff = b.u32le(4);
  b.check(riff + 8 === b.length || riff + 9 === b.length, "The WebP file is truncated or damaged");
  const chunk = b.ascii(12, 4);
  b.check(b.u32le(16) + 20 <= b.length);
  if (chunk === "VP8 ") {
    b.check(b.startsWith(23, [0x9d, 0x01, 0x2a]), "The WebP file has no valid VP8 frame header");
    return { width: b.u16le(26) & 0x3fff, height: b.u16le(28) & 0x3fff };
  }
  if (chunk === "VP8L") {
    b.check(b.u8(20) === 0x2f, "The WebP file has no valid VP8L header");
    const bits = b.u32le(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X") return { width: b.u24le(24) + 1, height: b.u24le(27) + 1 };
  throw badImage(`The WebP file has an unknown first chunk (${JSON.stringify(chunk)})`);
}

/** GIF: the logical screen size; the file must end with the trailer byte. */
export function gifSize(data: Uint8Array): Size {
  const b = new Bytes(data, "GIF");
  const size = { width: b.u16le(6), height: b.u16le(8) };
  b.check(b.length > 13 && data[b.length - 1] === 0x3b, "The GIF file is truncated (no trailer)");
  return size;
}

/**
 * ICO: the directory's entries (0 means 256), each of whose images must lie inside the
 * file; an entry that is a PNG is measured from its own header. The size is the largest.
 */
export function icoSize(data: Uint8Array): Size {
  const b = new Bytes(data, "ICO");
  const count = b.u16le(4);
  b.check(count >= 1 && count <= 64, `The ICO file lists ${count} images (1 to 64 allowed)`);
  let best: Size = { width: 0, height: 0 };
  for (let i = 0; i < count; i++) {
    const e = 6 + 16 * i;
    const [size, offset] = [b.u32le(e + 8), b.u32le(e + 12)];
    b.check(size > 0 && offset >= 6 + 16 * count && offset + size <= b.length);
    let entry = { width: b.u8(e) || 256, height: b.u8(e + 1) || 256 };
    if (b.startsWith(offset, [0x89, 0x50, 0x4e, 0x47]))
      entry = pngSize(data.subarray(offset, offset + size));
    if (entry.width * entry.height > best.width * best.height) best = entry;
  }
  return best;
}
