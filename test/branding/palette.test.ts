// The shade scale keeps its promises for every primary that passes its check.
import { describe, expect, it } from "vitest";
import {
  contrastRatio,
  DARK_BACKGROUND,
  hexOf,
  primaryColourProblem,
  relativeLuminance,
} from "../../server/domains/branding/colour/contrast";
import {
  brandCss,
  brandPalette,
  SHADES,
  shadesOf,
} from "../../server/domains/branding/colour/palette";

/** A fixed pseudo-random sequence (mulberry32): the same colours every run. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("brand palette", () => {
  const next = prng(16);
  const primaries: string[] = [];
  while (primaries.length < 500) {
    const c = hexOf([next() * 256, next() * 256, next() * 256].map(Math.floor) as never);
    if (!primaryColourProblem(c)) primaries.push(c);
  }

  it("for 500 passing primaries: 700 is >= 4.5:1 on white, 300 >= 4.5:1 on the dark background", () => {
    for (const p of primaries) {
      const s = shadesOf(p);
      expect(s[600]).toBe(p);
      expect(contrastRatio(s[700], "#ffffff"), `${p} 700`).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(s[300], DARK_BACKGROUND), `${p} 300`).toBeGreaterThanOrEqual(4.5);
      // Lighter to darker, in order.
      const l = SHADES.map((k) => relativeLuminance(s[k]));
      for (let i = 1; i < l.length; i++)
        expect(l[i], `${p} ${SHADES[i]}`).toBeLessThanOrEqual(l[i - 1]!);
    }
  });

  it("names the custom properties the portal's CSS uses", () => {
    const palette = brandPalette("#1d5fd6", "#0284c7");
    expect(Object.keys(palette)).toEqual([
      ...SHADES.map((s) => `--color-brand-${s}`),
      "--color-accent",
    ]);
    expect(palette["--color-brand-600"]).toBe("#1d5fd6");
    expect(palette["--color-accent"]).toBe("#0284c7");
  });

  it("writes a :root rule, and nothing but colours reaches it", () => {
    const css = brandCss({ primaryColor: "#1d5fd6", accentColor: "#0284c7" });
    expect(css).toMatch(/^:root\{--color-brand-50:#[0-9a-f]{6};.*--color-accent:#0284c7\}$/);
    const hostile = brandCss({ primaryColor: "red}body{display:none", accentColor: "#0284c7" });
    expect(hostile).not.toContain("display");
    expect(hostile).toContain("--color-brand-600:#1d5fd6");
  });
});
