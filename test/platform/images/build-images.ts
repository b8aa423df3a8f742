// Tiny real image files, built byte by byte, so each format's reader is tested against
// the format's specification rather than against files of unknown origin.
import { crc32, deflateSync } from "node:zlib";

const u32be = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const u16le = (n: number) => Buffer.from([n & 255, n >>> 8]);
const u32le = (n: number) => Buffer.from([n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24]);

function chunk(type: string, data: Buffer) {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  return Buffer.concat([u32be(data.length), body, u32be(crc32(body))]);
}

/** A decodable greyscale PNG of width x height. */
export function png(width: number, height: number) {
  const ihdr = Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 0, 0, 0, 0])]);
  const rows = Buffer.alloc((width + 1) * height, 0x80);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0; // filter: none
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A GIF89a whose logical screen is width x height (one 1x1 frame). */
export function gif(width: number, height: number) {
  return Buffer.concat([
    Buffer.from("GIF89a", "latin1"),
    u16le(width),
    u16le(height),
    Buffer.from([0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff]), // 2-colour global table
    Buffer.from([0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0]), // image descriptor 1x1
    Buffer.from([0x02, 0x02, 0x44, 0x01, 0x00]), // LZW data
    Buffer.from([0x3b]),
  ]);
}

/** A baseline JPEG's structure: SOI, APP0 (JFIF), SOF0 with the size, SOS, data, EOI. */
export function jpeg(width: number, height: number) {
  const seg = (marker: number, data: Buffer) =>
    Buffer.concat([
      Buffer.from([0xff, marker]),
      Buffer.from([(data.length + 2) >> 8, (data.length + 2) & 255]),
      data,
    ]);
  const sof = Buffer.from([8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    seg(0xe0, Buffer.from("JFIF\0\x01\x01\0\0\x01\0\x01\0\0", "latin1")),
    seg(0xdb, Buffer.alloc(65, 1)),
    seg(0xc0, sof),
    seg(0xda, Buffer.from([1, 1, 0, 0, 63, 0])),
    Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56]),
    Buffer.from([0xff, 0xd9]),
  ]);
}

function riff(chunkType: string, payload: Buffer) {
  const body = Buffer.concat([Buffer.from(chunkType, "latin1"), u32le(payload.length), payload]);
  const padded = payload.length % 2 ? Buffer.concat([body, Buffer.alloc(1)]) : body;
  return Buffer.concat([
    Buffer.from("RIFF"),
    u32le(padded.length + 4),
    Buffer.from("WEBP"),
    padded,
  ]);
}

/** WebP, lossless (VP8L) header. */
export function webpLossless(width: number, height: number) {
  const bits = (width - 1) | ((height - 1) << 14);
  return riff("VP8L", Buffer.concat([Buffer.from([0x2f]), u32le(bits >>> 0), Buffer.alloc(8)]));
}

/** WebP, lossy (VP8) key frame header. */
export function webpLossy(width: number, height: number) {
  return riff(
    "VP8 ",
    Buffer.concat([
      Buffer.from([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a]),
      u16le(width),
      u16le(height),
      Buffer.alloc(10),
    ]),
  );
}

/** WebP, extended (VP8X) header. */
export function webpExtended(width: number, height: number) {
  const u24 = (n: number) => Buffer.from([n & 255, (n >> 8) & 255, n >> 16]);
  return riff("VP8X", Buffer.concat([Buffer.alloc(4), u24(width - 1), u24(height - 1)]));
}

/** An ICO whose one image is a PNG (the size in the directory: 0 means 256). */
export function ico(width: number, height: number) {
  const image = png(width, height);
  const entry = Buffer.concat([
    Buffer.from([width & 255, height & 255, 0, 0]),
    u16le(1),
    u16le(32),
    u32le(image.length),
    u32le(22),
  ]);
  return Buffer.concat([Buffer.from([0, 0, 1, 0]), u16le(1), entry, image]);
}

export const svg = (body: string, attrs = 'width="64" height="64"') =>
  Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" ${attrs}>${body}</svg>`);
