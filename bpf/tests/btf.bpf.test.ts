// The TS codecs must match the C layout exactly: compared against the BTF that
// clang emitted into the built object, and against the map sizes the kernel sees.
// Likewise the constants both sides use: every table in constants.ts must equal its
// C enum in BTF (bpf/include/btf_anchor.h keeps those enums there).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DP_LAYOUT_VERSION,
  REASON_SLOTS,
  REASONS,
  SHARED_ENUMS,
  type SharedEnum,
} from "../../edge-agent/src/dataplane/constants";
import { MAP_CODECS, STRUCTS } from "../../edge-agent/src/dataplane/structs";
import { type Env, ensureBuilt, OBJ, setupEnv } from "./lib/harness";
import {
  type BtfType,
  btfSize,
  LAYOUT_FILE,
  layoutDiff,
  layoutOf,
  readLayouts,
} from "./lib/layout";

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

const sizeOf = (id: number) => btfSize(types, id);

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

describe("pinned map layout", () => {
  // Pins of one layout version are reused by every build of that version, so a
  // build may only change the layout together with DP_LAYOUT_VERSION. Run with
  // UPDATE_LAYOUT=1 to record the snapshot of a new (or never released) version.
  it("matches the snapshot of DP_LAYOUT_VERSION in bpf/layout.json", async () => {
    const now = layoutOf(types);
    const snapshots = readLayouts();
    if (process.env.UPDATE_LAYOUT) {
      snapshots[DP_LAYOUT_VERSION] = now;
      writeFileSync(LAYOUT_FILE, `${JSON.stringify(snapshots, null, 2)}\n`);
    }
    const was = snapshots[DP_LAYOUT_VERSION];
    expect(
      was,
      `no snapshot of layout ${DP_LAYOUT_VERSION}: run with UPDATE_LAYOUT=1`,
    ).toBeDefined();
    expect(
      layoutDiff(was!, now),
      "the pinned layout changed: bump DP_LAYOUT_VERSION and add a migration (edge-agent/src/dataplane/migrations.ts)",
    ).toEqual([]);
  });

  it("the snapshot agrees with what the kernel was given", async () => {
    const dp = await env.fresh();
    const { maps } = layoutOf(types);
    for (const [name, info] of Object.entries(dp.maps)) {
      if (name.includes(".")) continue; // .rodata: never pinned
      const m = maps[name];
      expect(m, `map ${name} in the layout`).toBeDefined();
      const { type, key_size, value_size, max_entries, flags } = info;
      expect({ name, type, key_size, value_size, max_entries, flags }).toEqual({
        name,
        type: m!.type,
        key_size: m!.key_size,
        value_size: m!.value_size,
        max_entries: m!.max_entries,
        flags: m!.flags,
      });
    }
  });
});

/** How a TS table differs from a C enum in BTF, one line per difference; [] = equal. */
function enumMismatches(
  cName: string,
  members: SharedEnum["members"],
  bt: BtfType | undefined,
): string[] {
  if (!bt?.values) return [`enum ${cName} missing from BTF`];
  const out: string[] = [];
  const ts = new Map<string, [key: string, value: number]>();
  for (const [key, [member, value]] of Object.entries(members)) {
    const dup = ts.get(member);
    if (dup) out.push(`${cName}: ${member} mirrored twice in TS (${dup[0]}, ${key})`);
    ts.set(member, [key, value]);
  }
  const c = new Map(bt.values.map((v) => [v.name, Number(v.val)]));
  for (const [member, value] of c)
    if (!ts.has(member)) out.push(`${cName}: ${member} = ${value} missing in TS`);
  for (const [member, [key, value]] of ts) {
    const cValue = c.get(member);
    if (cValue === undefined) out.push(`${cName}: TS ${key} names ${member}, not a member in C`);
    else if (cValue !== value)
      out.push(`${cName}: ${member} is ${cValue} in C but ${value} in TS (${key})`);
  }
  return out;
}

const btfEnum = (name: string) =>
  [...types.values()].find((t) => t.kind === "ENUM" && t.name === name);

describe("shared constants match BTF", () => {
  it.each(Object.entries(SHARED_ENUMS))("enum %s", (name, table) => {
    expect(enumMismatches(name, table.members, btfEnum(name))).toEqual([]);
    expect(table.values).toEqual(
      Object.fromEntries(Object.entries(table.members).map(([k, [, v]]) => [k, v])),
    );
  });

  it("the BTF anchor and SHARED_ENUMS name the same enums", () => {
    const anchor = [...types.values()].find(
      (t) => t.kind === "STRUCT" && t.name === "btf_shared_enums",
    );
    expect(anchor, "struct btf_shared_enums missing from BTF").toBeDefined();
    const inC = anchor!.members!.map((m) => types.get(m.type_id)!);
    expect(inC.every((t) => t.kind === "ENUM")).toBe(true);
    expect(inC.map((t) => t.name).sort()).toEqual(Object.keys(SHARED_ENUMS).sort());
  });

  it("REASONS lists every reason at its value", () => {
    const c = btfEnum("reason")!.values!.filter((v) => v.name !== "R_MAX");
    expect(REASONS.length).toBe(c.length);
    const { members } = SHARED_ENUMS.reason;
    expect(REASONS.map((r) => members[r][1])).toEqual(REASONS.map((_, i) => i));
    expect(REASONS.length).toBeLessThanOrEqual(REASON_SLOTS);
  });

  it("a TS table that differs from the C enum is reported", () => {
    const { members } = SHARED_ENUMS.policy_action;
    const bt = btfEnum("policy_action");
    const { deny: _, ...withoutDeny } = members;
    expect(enumMismatches("policy_action", members, bt)).toEqual([]);
    expect(
      enumMismatches("policy_action", { ...members, allowLog: ["ACT_ALLOW_LOG", 3] }, bt),
    ).toEqual(["policy_action: ACT_ALLOW_LOG is 2 in C but 3 in TS (allowLog)"]);
    expect(enumMismatches("policy_action", withoutDeny, bt)).toEqual([
      "policy_action: ACT_DENY = 0 missing in TS",
    ]);
    expect(enumMismatches("policy_action", { ...members, reject: ["ACT_REJECT", 3] }, bt)).toEqual([
      "policy_action: TS reject names ACT_REJECT, not a member in C",
    ]);
    expect(enumMismatches("policy_action", { ...withoutDeny, deny: ["ACT_DENNY", 0] }, bt)).toEqual(
      [
        "policy_action: ACT_DENY = 0 missing in TS",
        "policy_action: TS deny names ACT_DENNY, not a member in C",
      ],
    );
    expect(enumMismatches("policy_action", { ...members, block: ["ACT_DENY", 0] }, bt)).toEqual([
      "policy_action: ACT_DENY mirrored twice in TS (deny, block)",
    ]);
    expect(enumMismatches("pn_no_such_enum", members, btfEnum("pn_no_such_enum"))).toEqual([
      "enum pn_no_such_enum missing from BTF",
    ]);
  });
});
