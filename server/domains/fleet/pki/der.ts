// A small DER reader and writer: just what the enrollment fast paths need (device-csr.ts,
// device-leaf.ts) to read a PKCS#10 request and write a certificate without an ASN.1
// library. The reader is strict (definite, minimal lengths; no high tag numbers) and
// bounds-checks every read: malformed input is a PkiError, never an exception of its own.
import { PkiError } from "./errors";

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** One element: its tag, where its value lies in `buf`, and the whole encoding. */
export interface Tlv {
  tag: number;
  buf: Buffer;
  /** Offset of the first byte of the value. */
  start: number;
  /** Offset just past the value. */
  end: number;
  /** The element's whole encoding (tag, length and value). */
  raw: Buffer;
  value: Buffer;
}

const bad = (what: string) => new PkiError(`malformed DER: ${what}`);

/** Reads the element at `offset`, which must end by `limit`. */
export function readTlv(buf: Buffer, offset = 0, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw bad("truncated element");
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw bad("high tag numbers are not supported");
  let len = buf[offset + 1] as number;
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    // 0x80 is the indefinite length (BER only); four bytes are far beyond any CSR.
    if (n === 0 || n > 4) throw bad("unsupported length");
    if (start + n > limit) throw bad("truncated length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[start + i] as number);
    if (len < 0x80 || (buf[start] as number) === 0) throw bad("non-minimal length");
    start += n;
  }
  const end = start + len;
  if (end > limit) throw bad("element runs past its container");
  return {
    tag,
    buf,
    start,
    end,
    raw: buf.subarray(offset, end),
    value: buf.subarray(start, end),
  };
}

/** The elements inside a constructed element, in order; they must fill it exactly. */
export function children(parent: Tlv): Tlv[] {
  if (!(parent.tag & 0x20)) throw bad("expected a constructed element");
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const child = readTlv(parent.buf, at, parent.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

/** Reads one element of the expected tag that must fill `buf` exactly. */
export function readWhole(buf: Buffer, tag: number, what: string): Tlv {
  const tlv = readTlv(buf);
  if (tlv.tag !== tag) throw bad(`${what}: unexpected tag 0x${tlv.tag.toString(16)}`);
  if (tlv.end !== buf.length) throw bad(`${what}: trailing bytes`);
  return tlv;
}

export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw bad(`${what} missing or of the wrong type`);
  return tlv;
}

/** Dotted form of an OBJECT IDENTIFIER's value. */
export function oidText(tlv: Tlv): string {
  const v = expectTag(tlv, TAG.OID, "object identifier").value;
  if (v.length === 0) throw bad("empty object identifier");
  const arcs: number[] = [];
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const b = v[i] as number;
    if (n === 0 && b === 0x80) throw bad("non-minimal object identifier arc");
    n = n * 128 + (b & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 128) throw bad("object identifier arc too large");
    if (!(b & 0x80)) {
      arcs.push(n);
      n = 0;
    } else if (i === v.length - 1) throw bad("truncated object identifier");
  }
  const first = arcs.shift() as number;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join(".");
}

// --- writing ---

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return [0x80 | bytes.length, ...bytes];
}

/** An element of `tag` holding `parts` (already encoded elements, or raw value bytes). */
export function der(tag: number, ...parts: Buffer[]): Buffer {
  const value = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag, ...lengthBytes(value.length)]), value]);
}

export const seq = (...parts: Buffer[]) => der(TAG.SEQUENCE, ...parts);

export function oid(dotted: string): Buffer {
  const arcs = dotted.split(".").map(Number);
  const bytes: number[] = [];
  const push = (n: number) => {
    const out = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128))
      out.unshift(0x80 | (v & 0x7f));
    bytes.push(...out);
  };
  push((arcs[0] as number) * 40 + (arcs[1] as number));
  for (const arc of arcs.slice(2)) push(arc);
  return der(TAG.OID, Buffer.from(bytes));
}

/** A non-negative INTEGER from its big-endian magnitude (hex). */
export function uintHex(hex: string): Buffer {
  let bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  bytes = bytes.subarray(i);
  if ((bytes[0] as number) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return der(TAG.INTEGER, bytes);
}

export const bitString = (bytes: Buffer) => der(TAG.BIT_STRING, Buffer.from([0]), bytes);
export const octetString = (bytes: Buffer) => der(TAG.OCTET_STRING, bytes);
export const explicit = (n: number, ...parts: Buffer[]) => der(0xa0 | n, ...parts);

const two = (n: number) => String(n).padStart(2, "0");

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds. */
export function time(d: Date): Buffer {
  const y = d.getUTCFullYear();
  const rest =
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes()) +
    two(d.getUTCSeconds());
  return y >= 1950 && y < 2050
    ? der(TAG.UTC_TIME, Buffer.from(`${two(y % 100)}${rest}Z`, "latin1"))
    : der(TAG.GENERALIZED_TIME, Buffer.from(`${String(y).padStart(4, "0")}${rest}Z`, "latin1"));
}

/** A directory string as @peculiar/x509 writes it: PrintableString when it can be one. */
export function directoryString(s: string): Buffer {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s)
    ? der(TAG.PRINTABLE_STRING, Buffer.from(s, "latin1"))
    : der(TAG.UTF8_STRING, Buffer.from(s, "utf8"));
}
