// WCAG 2.x relative luminance and contrast ratio (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio).
// Pure: the server's checks and the branding page's readout both run this file, so what
// the page shows is what the server decides. No rounding before comparing (WCAG says so).

export const HEX_COLOUR = /^#[0-9a-f]{6}$/i;
export const WHITE = "#ffffff";
/** The dark background (slate-900) accents must stand out on in dark mode. */
export const DARK_BACKGROUND = "#0f172a";

/** Normal text and primary buttons (white text): WCAG AA. */
export const TEXT_RATIO = 4.5;
/** Non-text elements such as focus rings and highlights: WCAG 1.4.11. */
export const UI_RATIO = 3;

export type Rgb = readonly [number, number, number];

/** "#1d5fd6" as [29, 95, 214]; throws on anything but #rrggbb. */
export function rgbOf(hex: string): Rgb {
  if (!HEX_COLOUR.test(hex)) throw new Error(`not a #rrggbb colour: ${hex}`);
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function hexOf([r, g, b]: Rgb): string {
  const channel = (c: number) =>
    Math.max(0, Math.min(255, Math.round(c)))
      .toString(16)
      .padStart(2, "0");
  return `#${channel(r)}${channel(g)}${channel(b)}`;
}

const linear = (c8: number) => {
  const c = c8 / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

export function relativeLuminance(colour: string | Rgb): number {
  const [r, g, b] = typeof colour === "string" ? rgbOf(colour) : colour;
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** The contrast ratio of two colours, from 1 to 21, in either order. */
export function contrastRatio(a: string | Rgb, b: string | Rgb): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (hi + 0.05) / (lo + 0.05);
}

/** "4.4:1": rounded down, so a ratio just short of a threshold never reads as meeting it. */
export function formatRatio(ratio: number): string {
  return `${(Math.floor(ratio * 10 + 1e-9) / 10).toFixed(1)}:1`;
}

interface Requirement {
  against: string;
  label: string;
  needs: number;
}

const PRIMARY: Requirement[] = [{ against: WHITE, label: "white", needs: TEXT_RATIO }];
const ACCENT: Requirement[] = [
  { against: WHITE, label: "white", needs: UI_RATIO },
  { against: DARK_BACKGROUND, label: "the dark background", needs: UI_RATIO },
];

function problem(colour: string, requirements: Requirement[]): string | undefined {
  if (!HEX_COLOUR.test(colour)) return "Use a colour like #1d5fd6";
  const failed = requirements
    .map((r) => ({ ...r, ratio: contrastRatio(colour, r.against) }))
    .filter((r) => r.ratio < r.needs);
  if (failed.length === 0) return undefined;
  return failed
    .map((r) => `${formatRatio(r.ratio)} against ${r.label}; needs ${formatRatio(r.needs)}`)
    .join(". ");
}

/** Why `colour` cannot be the primary colour (white button text, links on white), or undefined. */
export const primaryColourProblem = (colour: string) => problem(colour, PRIMARY);

/** Why `colour` cannot be the accent (focus rings on light and dark pages), or undefined. */
export const accentColourProblem = (colour: string) => problem(colour, ACCENT);

/** The ratios the branding page shows next to each colour. */
export function contrastReadout(colour: string) {
  if (!HEX_COLOUR.test(colour)) return null;
  return {
    onWhite: contrastRatio(colour, WHITE),
    onDark: contrastRatio(colour, DARK_BACKGROUND),
  };
}
