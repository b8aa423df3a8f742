import { describe, expect, it } from "vitest";
import { CSV_BOM, csvCell, csvRow, safeFilename } from "./csv";

describe("csv", () => {
  it("quotes fields with commas, quotes and line breaks (RFC 4180)", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rlf")).toBe('"cr\rlf"');
    expect(csvRow(["a", "b,c", null, undefined, 3])).toBe('a,"b,c",,,3\r\n');
  });

  it.each([
    ["=1+1", "'=1+1"],
    ["+33 1 23", "'+33 1 23"],
    ["-cmd", "'-cmd"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tx", "'\tx"],
  ])("guards a formula-like cell %j", (input, output) => {
    expect(csvCell(input)).toBe(output);
  });

  it("guards a formula cell that also needs quotes", () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell("\rnext")).toBe('"\'\rnext"');
  });

  it("writes numbers, booleans and dates as themselves", () => {
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe("2026-01-02T03:04:05.000Z");
    expect(csvCell("Zürich ✓")).toBe("Zürich ✓");
    expect(CSV_BOM).toBe("\uFEFF");
  });

  it("makes safe file names", () => {
    expect(safeFilename("acme-sites-2026-01-02.csv")).toBe("acme-sites-2026-01-02.csv");
    expect(safeFilename('../"evil"\r\nname.csv')).toBe("evil-name.csv");
    expect(safeFilename("...")).toBe("export");
    expect(safeFilename("Zürich sites")).toBe("Zurich-sites");
  });
});
