import { describe, expect, it } from "vitest";
import { applyChanges, type Change, diffJson, type Json } from "../../../server/platform/diff";
import { edit, randomJson, rng } from "./random-json";

const plain = { redact: false };

describe("diffJson", () => {
  it("names each changed, added and removed field by its path", () => {
    const changes = diffJson(
      { name: "HQ", settings: { wan: "eth0", lan: "eth1" }, old: 1 },
      { name: "HQ", settings: { wan: "eth2", lan: "eth1" }, fresh: true },
    );
    expect(changes).toEqual([
      { op: "changed", path: ["settings", "wan"], before: "eth0", after: "eth2" },
      { op: "removed", path: ["old"], before: 1 },
      { op: "added", path: ["fresh"], after: true },
    ]);
  });

  it("matches array elements by their id, whatever their positions", () => {
    const before = [
      { id: "r1", dst: "10.0.0.0/8" },
      { id: "r2", dst: "10.1.0.0/16" },
    ];
    const after: Json[] = [
      { id: "r0", name: "new", dst: "10.9.0.0/16" },
      { id: "r1", dst: "10.0.0.0/8" },
      { id: "r2", dst: "10.2.0.0/16" },
    ];
    expect(diffJson(before, after)).toEqual([
      {
        op: "added",
        path: [{ key: "id", id: "r0", label: "new" }],
        after: after[0],
        at: 0,
      },
      {
        op: "changed",
        path: [{ key: "id", id: "r2" }, "dst"],
        before: "10.1.0.0/16",
        after: "10.2.0.0/16",
      },
    ]);
  });

  it("reports a new order of the same elements once", () => {
    const a = { id: 1, v: "a" };
    const b = { id: 2, v: "b" };
    expect(diffJson([a, b], [b, a])).toEqual([
      { op: "reordered", path: [], key: "id", before: [1, 2], after: [2, 1] },
    ]);
  });

  it("treats an element inserted into a list without ids as one addition", () => {
    const rule = (dst: string) => ({ src: "10.0.0.0/8", dst, action: "deny" });
    const before = [rule("a"), rule("b"), rule("c")];
    const after = [rule("a"), rule("new"), rule("b"), rule("c")];
    expect(diffJson(before, after)).toEqual([{ op: "added", path: [1], after: rule("new") }]);
    const changed = [rule("a"), rule("B"), rule("c")];
    expect(diffJson(before, changed)).toEqual([
      { op: "changed", path: [1, "dst"], before: "b", after: "B" },
    ]);
  });

  it("hides secret-looking fields' values but says they changed", () => {
    const changes = diffJson(
      { url: "https://a.test", secret: "s1", nested: { apiKey: "k" } },
      { url: "https://a.test", secret: "s2", extra: { password: "p", user: "u" } },
    );
    expect(changes).toEqual([
      { op: "changed", path: ["secret"], before: "(hidden)", after: "(hidden)", redacted: true },
      { op: "removed", path: ["nested"], before: { apiKey: "(hidden)" } },
      { op: "added", path: ["extra"], after: { password: "(hidden)", user: "u" } },
    ]);
    expect(JSON.stringify(changes)).not.toMatch(/s1|s2|"k"|"p"/);
  });

  it("finds nothing between equal values, whatever their key order", () => {
    expect(diffJson({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 })).toEqual(
      [],
    );
  });

  it("replaces values of different kinds whole", () => {
    expect(diffJson({ a: [1] }, { a: { b: 1 } }, plain)).toEqual([
      { op: "changed", path: ["a"], before: [1], after: { b: 1 } },
    ]);
    expect(diffJson(null, { a: 1 })).toEqual([
      { op: "changed", path: [], before: null, after: { a: 1 } },
    ]);
  });

  it("round-trips: applying the changes to before gives after (random values)", () => {
    const r = rng(20261206);
    for (let i = 0; i < 3_000; i++) {
      const before = randomJson(r, 4);
      const after = i % 3 === 0 ? randomJson(r, 4) : edit(r, before);
      const changes = diffJson(before, after, plain);
      const applied = applyChanges(before, changes);
      if (JSON.stringify(applied) !== JSON.stringify(after))
        expect({ before, after, changes, applied }).toEqual({
          before,
          after,
          changes,
          applied: after,
        });
      expect(changes.length === 0).toBe(JSON.stringify(before) === JSON.stringify(after));
    }
  });

  it("leaves before untouched when applying", () => {
    const before: Json = { a: [{ id: 1, v: 1 }] };
    const copy = structuredClone(before);
    const changes: Change[] = diffJson(before, { a: [{ id: 1, v: 2 }] });
    applyChanges(before, changes);
    expect(before).toEqual(copy);
  });
});
