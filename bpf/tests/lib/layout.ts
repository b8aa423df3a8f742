// The layout of the pinned maps as BTF describes it: every map's type, sizes,
// max_entries, flags and key/value types, and the members of every struct those
// use. bpf/layout.json keeps one snapshot per DP_LAYOUT_VERSION.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface BtfType {
  id: number;
  kind: string;
  name: string;
  size?: number;
  type_id?: number;
  nr_elems?: number;
  members?: { name: string; type_id: number; bits_offset: number }[];
  values?: { name: string; val: number }[];
  vars?: { type_id: number }[];
}

export interface MapLayout {
  type: number;
  max_entries: number;
  flags: number;
  key: string | null;
  value: string | null;
  key_size: number;
  value_size: number;
}

export interface Layout {
  maps: Record<string, MapLayout>;
  /** struct name -> "member@offset:size" in order, then "size:N". */
  structs: Record<string, string[]>;
}

export const LAYOUT_FILE = fileURLToPath(new URL("../../layout.json", import.meta.url));

export function readLayouts(): Record<string, Layout> {
  return JSON.parse(readFileSync(LAYOUT_FILE, "utf8"));
}

export function btfSize(types: Map<number, BtfType>, id: number): number {
  const t = types.get(id)!;
  if (["TYPEDEF", "CONST", "VOLATILE"].includes(t.kind)) return btfSize(types, t.type_id!);
  if (t.kind === "ARRAY") return btfSize(types, t.type_id!) * t.nr_elems!;
  return t.size!;
}

function typeName(types: Map<number, BtfType>, id: number): string {
  const t = types.get(id)!;
  if (t.kind === "ARRAY") return `${typeName(types, t.type_id!)}[${t.nr_elems}]`;
  return t.name && t.name !== "(anon)" ? t.name : t.kind.toLowerCase();
}

/** The STRUCT behind typedefs/arrays/qualifiers, if any. */
function structOf(types: Map<number, BtfType>, id: number): BtfType | null {
  const t = types.get(id)!;
  if (t.kind === "STRUCT" || t.kind === "UNION") return t;
  if (t.type_id !== undefined && t.kind !== "PTR") return structOf(types, t.type_id);
  return null;
}

export function layoutOf(types: Map<number, BtfType>): Layout {
  const maps: Layout["maps"] = {};
  const structs: Layout["structs"] = {};
  const addStruct = (id: number) => {
    const s = structOf(types, id);
    if (!s || structs[s.name]) return;
    structs[s.name] = [
      ...s.members!.map(
        (m) =>
          `${m.name}@${m.bits_offset / 8}:${btfSize(types, m.type_id)} ${typeName(types, m.type_id)}`,
      ),
      `size:${s.size}`,
    ];
    for (const m of s.members!) addStruct(m.type_id);
  };
  const sec = [...types.values()].find((t) => t.kind === "DATASEC" && t.name === ".maps");
  for (const v of sec?.vars ?? []) {
    const variable = types.get(v.type_id)!;
    const def = types.get(variable.type_id!)!;
    const field = (name: string) => def.members!.find((m) => m.name === name);
    /** __uint(name, N) is a pointer to an array of N elements. */
    const num = (name: string) => {
      const m = field(name);
      return m ? types.get(types.get(m.type_id)!.type_id!)!.nr_elems! : 0;
    };
    const pointee = (name: string) => {
      const m = field(name);
      return m ? types.get(m.type_id)!.type_id! : null;
    };
    const key = pointee("key");
    const value = pointee("value");
    maps[variable.name] = {
      type: num("type"),
      max_entries: num("max_entries"),
      flags: num("map_flags"),
      key: key === null ? null : typeName(types, key),
      value: value === null ? null : typeName(types, value),
      key_size: key === null ? 0 : btfSize(types, key),
      value_size: value === null ? 0 : btfSize(types, value),
    };
    if (key !== null) addStruct(key);
    if (value !== null) addStruct(value);
  }
  const sorted = <T>(o: Record<string, T>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return { maps: sorted(maps), structs: sorted(structs) };
}

/** One line per difference between two layouts; [] = equal. */
export function layoutDiff(was: Layout, now: Layout): string[] {
  const out: string[] = [];
  for (const kind of ["maps", "structs"] as const) {
    const a = was[kind] as Record<string, unknown>;
    const b = now[kind] as Record<string, unknown>;
    for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const x = JSON.stringify(a[name]);
      const y = JSON.stringify(b[name]);
      if (x !== y) out.push(`${kind}.${name}: ${x ?? "absent"} -> ${y ?? "absent"}`);
    }
  }
  return out;
}

/** Whether entries of `map` must be converted between two layouts: its key or
 * value type, size or struct members changed (type, max_entries and flags alone
 * do not change the bytes of an entry). */
export function entriesChanged(was: Layout, now: Layout, map: string): boolean {
  const a = was.maps[map];
  const b = now.maps[map];
  if (!a || !b) return false;
  const shape = (l: Layout, m: MapLayout) =>
    JSON.stringify([
      m.key,
      m.value,
      m.key_size,
      m.value_size,
      structsUnder(l, m.key),
      structsUnder(l, m.value),
    ]);
  return shape(was, a) !== shape(now, b);
}

function structsUnder(l: Layout, name: string | null, seen = new Set<string>()): string[][] {
  if (!name || seen.has(name) || !l.structs[name]) return [];
  seen.add(name);
  const members = l.structs[name]!;
  return [
    members,
    ...members.flatMap((m) =>
      structsUnder(l, m.split(" ")[1]?.replace(/\[\d+\]$/, "") ?? null, seen),
    ),
  ];
}
