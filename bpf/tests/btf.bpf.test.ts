// The TS codecs must match the C layout exactly: compared against the BTF that
// clang emitted into the built object, and against the map sizes the kernel sees.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAP_CODECS, STRUCTS } from "../../edge-agent/src/dataplane/structs";
import { type Env, ensureBuilt, OBJ, setupEnv } from "./lib/harness";

interface BtfType {
  id: number;
  kind: string;
  name: string;
  size?: number;
  type_id?: number;
  nr_elems?: number;
  members?: { name: string; type_id: number; bits_offset: number }[];
}

let types: Map<number, BtfType>;
let env: Env;

beforeAll(async () => {
  ensureBuilt();
  const raw = execFileSync("bpftool", ["btf", "dump", "file", OBJ, "format", "raw", "-j"], {
    maxBuffer: 64 << 20,
  });
  types = new Map((JSON.parse(raw.toString()).types as BtfType[]).map((t) => [t.id, t]));
  env = await setupEnv();
});
afterAll(() => env?.close());

function sizeOf(id: number): number {
  const t = types.get(id)!;
  if (t.kind === "TYPEDEF" || t.kind === "CONST" || t.kind === "VOLATILE")
    return sizeOf(t.type_id!);
  if (t.kind === "ARRAY") return sizeOf(t.type_id!) * t.nr_elems!;
  return t.size!;
}

const codecs = STRUCTS;

describe("codecs match BTF", () => {
  it.each(codecs.map((c) => [c.cName, c] as const))("struct %s", (name, codec) => {
    const bt = [...types.values()].find((t) => t.kind === "STRUCT" && t.name === name);
    expect(bt, `struct ${name} missing from BTF`).toBeDefined();
    expect(codec.size).toBe(bt!.size);
    const cMembers = bt!.members!.map((m) => ({
      name: m.name,
      offset: m.bits_offset / 8,
      size: sizeOf(m.type_id),
    }));
    const tsMembers = codec.fields.map((f) => ({ name: f.name, offset: f.offset, size: f.size }));
    expect(tsMembers).toEqual(cMembers);
  });

  it("every map has a codec of the size the kernel was given", async () => {
    const dp = await env.fresh();
    for (const [name, info] of Object.entries(dp.maps)) {
      if (name.includes(".") || info.type === 27) continue; // .rodata, ring buffer
      const c = MAP_CODECS[name];
      expect(c, `codec for map ${name}`).toBeDefined();
      expect([name, c![0].size, c![1].size]).toEqual([name, info.key_size, info.value_size]);
    }
  });
});
