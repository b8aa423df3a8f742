// The shade scale the portal's `brand-*` colours use (app/globals.css names the defaults),
// derived from one primary colour. Shade 600 is the primary itself (buttons); lighter shades
// mix it with white, darker ones with black, each to a fixed luminance, so the guarantees
// hold for any primary that passed its check (>= 4.5:1 on white, so luminance <= 0.1833):
// shade 700 and darker are darker still (>= 4.5:1 on white), shade 300 and lighter reach
// luminance >= 0.40 (>= 7:1 on the dark background, where dark mode uses them as text).
import { HEX_COLOUR, hexOf, type Rgb, relativeLuminance, rgbOf } from "./contrast";

export const SHADES = [50, 100, 200, 300, 400, 500, 600, 700, 800, 900] as const;

/** Target luminances of the shades lighter than the primary. */
const LIGHT: Record<number, number> = { 50: 0.9, 100: 0.8, 200: 0.62, 300: 0.42, 400: 0.27 };
/** How much black the darker shades mix in. */
const DARK: Record<number, number> = { 700: 0.18, 800: 0.36, 900: 0.56 };

const mix = (a: Rgb, b: Rgb, t: number): Rgb =>
  [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * t)) as unknown as Rgb;

/** The lightest mix toward white whose luminance (after rounding) reaches `target`. */
function towardWhite(colour: Rgb, target: number): Rgb {
  let [lo, hi] = [0, 1];
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (relativeLuminance(mix(colour, [255, 255, 255], mid)) >= target) hi = mid;
    else lo = mid;
  }
  return mix(colour, [255, 255, 255], hi);
}

/** Shade → #rrggbb for `primary` (a colour that passed primaryColourProblem). */
export function shadesOf(primary: string): Record<(typeof SHADES)[number], string> {
  const base = rgbOf(primary);
  const l = relativeLuminance(base);
  const out: Record<number, string> = { 600: hexOf(base) };
  for (const [shade, target] of Object.entries(LIGHT))
    out[Number(shade)] = hexOf(towardWhite(base, Math.max(target, l)));
  // Between 400 and the primary.
  out[500] = hexOf(towardWhite(base, l + (LIGHT[400]! - l) * 0.45));
  for (const [shade, t] of Object.entries(DARK))
    out[Number(shade)] = hexOf(mix(base, [0, 0, 0], t));
  return out as Record<(typeof SHADES)[number], string>;
}

/** The CSS custom properties of a brand: `--color-brand-50` … `--color-brand-900`, `--color-accent`. */
export function brandPalette(primary: string, accent: string): Record<string, string> {
  const shades = shadesOf(primary);
  return {
    ...Object.fromEntries(SHADES.map((s) => [`--color-brand-${s}`, shades[s]])),
    "--color-accent": hexOf(rgbOf(accent)),
  };
}

/**
 * A `:root{…}` rule with the brand's palette, for a <style> element in the layouts. Colours
 * are re-checked here (anything but #rrggbb falls back to the defaults given), so nothing
 * but a colour can reach the stylesheet.
 */
/**
 * The brand's palette as CSS custom properties, from validated colours only (anything else
 * falls back): pages put them in a `style` attribute, which needs no CSP nonce and survives
 * client-side navigation (a <style> element inserted then would carry a stale nonce).
 */
export function brandVars(
  brand: { primaryColor: string; accentColor: string },
  fallback = { primaryColor: "#1d5fd6", accentColor: "#1d5fd6" },
): Record<string, string> {
  const primary = HEX_COLOUR.test(brand.primaryColor) ? brand.primaryColor : fallback.primaryColor;
  const accent = HEX_COLOUR.test(brand.accentColor) ? brand.accentColor : fallback.accentColor;
  return brandPalette(primary, accent);
}

/** The same as a `:root` rule (mail previews, tests). */
export function brandCss(
  brand: { primaryColor: string; accentColor: string },
  fallback = { primaryColor: "#1d5fd6", accentColor: "#1d5fd6" },
): string {
  const body = Object.entries(brandVars(brand, fallback))
    .map(([name, value]) => `${name}:${value}`)
    .join(";");
  return `:root{${body}}`;
}
