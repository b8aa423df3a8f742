// The migration registry against the recorded layouts, and the pure planner.
import { describe, expect, it } from "vitest";
import { entriesChanged, readLayouts } from "../../bpf/tests/lib/layout";
import { defineStruct } from "../../edge-agent/src/dataplane/codec";
import { DP_LAYOUT_VERSION } from "../../edge-agent/src/dataplane/constants";
import type { MapInfo } from "../../edge-agent/src/dataplane/loader-client";
import {
  convertEntry,
  type PinnedSet,
  planMigration,
} from "../../edge-agent/src/dataplane/migrate";
import {
  conversion,
  DESIRED_STATE_MAPS,
  MIGRATIONS,
  type Migrations,
} from "../../edge-agent/src/dataplane/migrations";

describe("MIGRATIONS", () => {
  const layouts = readLayouts();

  it("bpf/layout.json records every version up to DP_LAYOUT_VERSION", () => {
    for (let v = 0; v <= DP_LAYOUT_VERSION; v++) expect(layouts[v], `layout ${v}`).toBeDefined();
  });

  it.each(Array.from({ length: DP_LAYOUT_VERSION }, (_, v) => v))(
    "step %i -> %i+1 converts or rebuilds every map whose entries changed",
    (v) => {
      const step = MIGRATIONS[v];
      expect(step, `migrations.ts has no step from ${v}`).toBeDefined();
      const was = layouts[v]!;
      const now = layouts[v + 1]!;
      for (const map of Object.keys(now.maps)) {
        if (!entriesChanged(was, now, map)) continue;
        expect(
          step!.convert[map] !== undefined || step!.rebuild.includes(map),
          `map ${map} changed from layout ${v} to ${v + 1}: convert or rebuild it`,
        ).toBe(true);
      }
      for (const map of step!.rebuild) expect(DESIRED_STATE_MAPS).toContain(map);
      for (const [map, c] of Object.entries(step!.convert)) {
        expect([c.from[0].size, c.from[1].size]).toEqual([
          was.maps[map]!.key_size,
          was.maps[map]!.value_size,
        ]);
        expect([c.to[0].size, c.to[1].size]).toEqual([
          now.maps[map]!.key_size,
          now.maps[map]!.value_size,
        ]);
      }
    },
  );
});

const info = (type: number, key_size: number, value_size: number): MapInfo => ({
  type,
  key_size,
  value_size,
  max_entries: 16,
  flags: 0,
});
const u32 = defineStruct("k", [{ name: "v", kind: "u32" }]);
const one = defineStruct("one", [{ name: "a", kind: "u64" }]);
const two = defineStruct("two", [
  { name: "a", kind: "u64" },
  { name: "b", kind: "u64" },
]);
const grow = conversion([u32, one], [u32, two], (k, v) => [k, { a: v.a, b: 7n }]);

describe("planMigration", () => {
  const set = (maps: Record<string, MapInfo>, version = 1): PinnedSet => ({
    version,
    dir: "/sys/fs/bpf/x/maps-v1",
    maps,
    skipped: [],
  });
  const registry: Migrations = {
    1: { convert: { counts: grow }, rebuild: ["services"] },
    2: { convert: {}, rebuild: [] },
  };

  it("copies, converts, rebuilds and drops", () => {
    const plan = planMigration(
      set({
        counts: info(1, 4, 8),
        same: info(2, 4, 8),
        services: info(1, 8, 16),
        gone: info(1, 4, 4),
        log: info(27, 0, 0),
      }),
      {
        counts: info(1, 4, 16),
        same: info(2, 4, 8),
        services: info(1, 8, 32),
        log: info(27, 0, 0),
      },
      3,
      registry,
    );
    expect(plan.map((p) => [p.map, p.action])).toEqual([
      ["counts", "convert"],
      ["same", "copy"],
      ["services", "skip"],
      ["gone", "skip"],
      ["log", "skip"],
    ]);
  });

  it("refuses a size change without a conversion, a missing step, and a newer set", () => {
    expect(() =>
      planMigration(set({ same: info(2, 4, 8) }), { same: info(2, 4, 16) }, 2, registry),
    ).toThrow(/sizes 4\/8 in layout 1 but 4\/16 in 2, and migrations.ts has no conversion/);
    expect(() => planMigration(set({}, 0), {}, 2, registry)).toThrow(/no step from layout 0/);
    expect(() => planMigration(set({}, 3), {}, 2, registry)).toThrow(/not older/);
    expect(() =>
      planMigration(set({ conntrack: info(9, 40, 48) }), { conntrack: info(9, 40, 48) }, 2, {
        1: { convert: {}, rebuild: ["conntrack"] },
      }),
    ).toThrow(/rebuilds conntrack, which the agent does not rewrite/);
  });

  it("converts every CPU's slot of a per-CPU value", () => {
    const key = u32.encode({ v: 3 }).toString("hex");
    const slots = Buffer.concat([one.encode({ a: 1n }), one.encode({ a: 2n })]).toString("hex");
    const [k, v] = convertEntry([grow], key, slots, true)!;
    expect(k).toBe(key);
    const out = Buffer.from(v, "hex");
    expect([two.decode(out, 0), two.decode(out, 16)]).toEqual([
      { a: 1n, b: 7n },
      { a: 2n, b: 7n },
    ]);
  });
});
