// Typed codecs for the C structs in bpf/include/types.h. Offsets follow C's
// natural alignment; btf.bpf.test.ts checks every layout against the object's BTF.
import { isIPv4 } from "node:net";
import { addrBytes, bytesToAddr, ipv4Bytes } from "../../../protocol/addr";

// "family" is a u8 holding 4 or 6 (enum family); left out when encoding, it is
// taken from the struct's first address. bytes<n>: a C array copied as raw bytes
// (e.g. the policy bitmaps' __u64 words[64]).
type Kind =
  | "u8"
  | "u16"
  | "u32"
  | "u64"
  | "be16"
  | "ipv4"
  | "addr"
  | "family"
  | `pad${number}`
  | `bytes${number}`;
type Scalar<K> = K extends "u64"
  ? bigint
  : K extends "ipv4" | "addr"
    ? string
    : K extends `bytes${number}`
      ? Buffer
      : number;

interface FieldSpec {
  name: string;
  kind: Kind | StructCodec<Record<string, unknown>>;
}

const SIZES: Record<string, [size: number, align: number]> = {
  u8: [1, 1],
  family: [1, 1],
  u16: [2, 2],
  u32: [4, 4],
  u64: [8, 8],
  be16: [2, 2],
  ipv4: [4, 4],
  addr: [16, 4],
};

export interface Field extends FieldSpec {
  offset: number;
  size: number;
}

export interface StructCodec<T> {
  cName: string;
  size: number;
  align: number;
  fields: Field[];
  encode(value: Partial<T>): Buffer;
  decode(buf: Buffer, offset?: number): T;
}

function sizeOf(kind: FieldSpec["kind"]): [number, number] {
  if (typeof kind !== "string") return [kind.size, kind.align];
  if (kind.startsWith("pad")) return [Number(kind.slice(3)), 1];
  if (kind.startsWith("bytes")) return [Number(kind.slice(5)), 1];
  return SIZES[kind]!;
}

function put(buf: Buffer, off: number, kind: Kind, v: unknown): void {
  if (kind.startsWith("pad") || v === undefined) return;
  if (kind === "u8" || kind === "family") buf.writeUInt8(Number(v), off);
  else if (kind === "u16") buf.writeUInt16LE(Number(v), off);
  else if (kind === "u32") buf.writeUInt32LE(Number(v) >>> 0, off);
  else if (kind === "u64") buf.writeBigUInt64LE(BigInt(v as bigint), off);
  else if (kind === "be16") buf.writeUInt16BE(Number(v), off);
  else if (kind === "ipv4") ipv4Bytes(String(v)).copy(buf, off);
  else if (kind === "addr") addrBytes(String(v)).copy(buf, off);
  else if (kind.startsWith("bytes")) (v as Buffer).copy(buf, off, 0, sizeOf(kind)[0]);
}

function get(buf: Buffer, off: number, kind: Kind): unknown {
  if (kind === "u8" || kind === "family") return buf.readUInt8(off);
  if (kind === "u16") return buf.readUInt16LE(off);
  if (kind === "u32") return buf.readUInt32LE(off);
  if (kind === "u64") return buf.readBigUInt64LE(off);
  if (kind === "be16") return buf.readUInt16BE(off);
  if (kind === "ipv4") return [...buf.subarray(off, off + 4)].join(".");
  if (kind === "addr") return bytesToAddr(buf.subarray(off, off + 16));
  if (kind.startsWith("bytes")) return Buffer.from(buf.subarray(off, off + sizeOf(kind)[0]));
  return undefined;
}

type Shape<S extends readonly FieldSpec[]> = {
  [F in S[number] as F["name"] extends `pad${string}` ? never : F["name"]]: F["kind"] extends Kind
    ? Scalar<F["kind"]>
    : F["kind"] extends StructCodec<infer T>
      ? T
      : never;
};

export function defineStruct<const S extends readonly FieldSpec[]>(
  cName: string,
  specs: S,
): StructCodec<Shape<S>> {
  let off = 0;
  let align = 1;
  const fields: Field[] = specs.map((s) => {
    const [size, a] = sizeOf(s.kind);
    off = Math.ceil(off / a) * a;
    align = Math.max(align, a);
    const f = { ...s, offset: off, size };
    off += size;
    return f;
  });
  const size = Math.ceil(off / align) * align;
  return {
    cName,
    size,
    align,
    fields,
    encode(value) {
      const buf = Buffer.alloc(size);
      const v = value as Record<string, unknown>;
      const addr = fields.find((f) => f.kind === "addr");
      for (const f of fields) {
        if (f.kind === "family" && v[f.name] === undefined && addr && v[addr.name] !== undefined)
          buf.writeUInt8(isIPv4(String(v[addr.name])) ? 4 : 6, f.offset);
        if (typeof f.kind === "string") put(buf, f.offset, f.kind, v[f.name]);
        else if (v[f.name] !== undefined) f.kind.encode(v[f.name] as object).copy(buf, f.offset);
      }
      return buf;
    },
    decode(buf, base = 0) {
      if (buf.length < base + size) throw new Error(`${cName}: need ${size} bytes`);
      const out: Record<string, unknown> = {};
      for (const f of fields) {
        if (typeof f.kind !== "string") out[f.name] = f.kind.decode(buf, base + f.offset);
        else if (!f.kind.startsWith("pad")) out[f.name] = get(buf, base + f.offset, f.kind);
      }
      return out as Shape<S>;
    },
  };
}
