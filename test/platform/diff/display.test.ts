import { describe, expect, it } from "vitest";
import { excerptPair, formatValue, pathLabel } from "../../../server/platform/diff";

describe("diff display", () => {
  it("labels paths with keys, 1-based positions and element names", () => {
    expect(pathLabel(["settings", "wan"])).toBe("settings.wan");
    expect(pathLabel(["rules", 0, "dst"])).toBe("rules[1].dst");
    expect(pathLabel(["sites", { key: "id", id: "s1", label: "HQ" }, "name"])).toBe(
      "sites[HQ].name",
    );
    expect(pathLabel(["rules", { key: "id", id: "r1" }])).toBe("rules[id r1]");
    expect(pathLabel([])).toBe("(the whole value)");
  });

  it("writes values without JSON's braces and quotes", () => {
    expect(formatValue({ dst: "10.0.0.0/8", ports: { lo: 22, hi: 22 }, tags: ["a", "b"] })).toBe(
      "dst: 10.0.0.0/8, ports: (lo: 22, hi: 22), tags: a, b",
    );
    expect(formatValue(null)).toBe("none");
    expect(formatValue("")).toBe("(empty text)");
    expect(formatValue([])).toBe("(empty list)");
    expect(formatValue([{ a: 1 }, { a: 2 }])).toBe("(a: 1), (a: 2)");
  });

  it("cuts two long texts down to where they differ", () => {
    const head = "h".repeat(200);
    const tail = "t".repeat(200);
    const [b, a] = excerptPair(`${head}OLD${tail}`, `${head}NEW${tail}`);
    expect(b).toBe(`…${"h".repeat(40)}OLD${"t".repeat(40)}…`);
    expect(a).toBe(`…${"h".repeat(40)}NEW${"t".repeat(40)}…`);
    expect(excerptPair("short", "text")).toEqual(["short", "text"]);
  });
});
