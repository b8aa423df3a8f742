import { badImage } from "./image-error";

/** Bounds-checked big/little-endian reads: a read past the end is a truncated file. */
export class Bytes {
  constructor(
    readonly data: Uint8Array,
    private readonly format: string,
  ) {}

  get length() {
    return this.data.length;
  }

  private need(offset: number, size: number) {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > this.data.length)
      throw badImage(`The ${this.format} file is truncated or damaged`);
  }

  u8(o: number) {
    this.need(o, 1);
    return this.data[o]!;
  }
  u16be(o: number) {
    this.need(o, 2);
    return (this.data[o]! << 8) | this.data[o + 1]!;
  }
  u16le(o: number) {
    this.need(o, 2);
    return this.data[o]! | (this.data[o + 1]! << 8);
  }
  u24le(o: number) {
    this.need(o, 3);
    return this.data[o]! | (this.data[o + 1]! << 8) | (this.data[o + 2]! << 16);
  }
  u32be(o: number) {
    this.need(o, 4);
    return this.u16be(o) * 0x10000 + this.u16be(o + 2);
  }
  u32le(o: number) {
    this.need(o, 4);
    return this.u16le(o) + this.u16le(o + 2) * 0x10000;
  }
  ascii(o: number, n: number) {
    this.need(o, n);
    return String.fromCharCode(...this.data.subarray(o, o + n));
  }
  startsWith(o: number, magic: readonly number[]) {
    return magic.every((b, i) => this.data[o + i] === b);
  }
  /** Throws the truncation error unless `ok`. */
  check(ok: boolean, message = `The ${this.format} file is truncated or damaged`) {
    if (!ok) throw badImage(message);
  }
}
