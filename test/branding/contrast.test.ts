// The contrast math against WCAG's reference values, and the checks built on it.
import { describe, expect, it } from "vitest";
import {
  accentColourProblem,
  contrastRatio,
  formatRatio,
  primaryColourProblem,
  relativeLuminance,
} from "../../server/domains/branding/colour/contrast";

describe("WCAG 2.x contrast", () => {
  it("matches the reference luminances and ratios", () => {
    expect(relativeLuminance("#ffffff")).toBe(1);
    expect(relativeLuminance("#000000")).toBe(0);
    expect(contrastRatio("#000000", "#ffffff")).toBe(21);
    expect(contrastRatio("#ffffff", "#ffffff")).toBe(1);
    // Pairs published with WebAIM's checker and the WCAG techniques (G18).
    const pairs: [string, string, number][] = [
      ["#767676", "#ffffff", 4.54],
      ["#777777", "#ffffff", 4.48],
      ["#0000ff", "#ffffff", 8.59],
      ["#ff0000", "#ffffff", 4.0],
      ["#808080", "#ffffff", 3.95],
      ["#595959", "#ffffff", 7.0],
      ["#1d5fd6", "#ffffff", 5.74],
    ];
    for (const [a, b, ratio] of pairs) expect(contrastRatio(a, b)).toBeCloseTo(ratio, 2);
  });

  it("is symmetric", () => {
    expect(contrastRatio("#123456", "#fedcba")).toBe(contrastRatio("#fedcba", "#123456"));
  });

  it("formats ratios rounded down, so a near miss never reads as meeting the bar", () => {
    expect(formatRatio(4.4999)).toBe("4.4:1");
    expect(formatRatio(4.5)).toBe("4.5:1");
    expect(formatRatio(21)).toBe("21.0:1");
  });

  it("states the measured ratio and what is needed", () => {
    expect(primaryColourProblem("#777777")).toBe("4.4:1 against white; needs 4.5:1");
    expect(primaryColourProblem("#767676")).toBeUndefined();
    expect(primaryColourProblem("blue")).toBe("Use a colour like #1d5fd6");
    // Light enough for white, not for the dark background.
    expect(accentColourProblem("#174bab")).toBe("2.2:1 against the dark background; needs 3.0:1");
    expect(accentColourProblem("#ffff00")).toBe("1.0:1 against white; needs 3.0:1");
    expect(accentColourProblem("#1d5fd6")).toBeUndefined();
  });
});
