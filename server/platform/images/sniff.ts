/** The image formats accepted anywhere, by what their bytes are (never a name or a header). */
export type ImageFormat = "png" | "jpeg" | "webp" | "gif" | "ico" | "svg";

export const CONTENT_TYPES: Record<ImageFormat, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  ico: "image/x-icon",
  svg: "image/svg+xml",
};

const has = (b: Uint8Array, offset: number, magic: readonly number[]) =>
  magic.every((x, i) => b[offset + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/**
 * The format the bytes' signature names, or null. SVG is text: it is recognised by its
 * first markup (after an optional BOM, whitespace, XML declaration and comments) being
 * `<svg`; the SVG parser then decides whether the rest is acceptable.
 */
export function sniff(b: Uint8Array): ImageFormat | null {
  if (has(b, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (has(b, 0, [0xff, 0xd8, 0xff])) return "jpeg";
  if (has(b, 0, ascii("RIFF")) && has(b, 8, ascii("WEBP"))) return "webp";
  if (has(b, 0, ascii("GIF87a")) || has(b, 0, ascii("GIF89a"))) return "gif";
  // Reserved 0, type 1 (icon; 2 would be a cursor), at least one image.
  if (has(b, 0, [0, 0, 1, 0]) && b.length >= 6 && (b[4]! | (b[5]! << 8)) > 0) return "ico";
  return looksLikeSvg(b) ? "svg" : null;
}

function looksLikeSvg(b: Uint8Array) {
  const head = new TextDecoder("utf-8", { fatal: false }).decode(b.subarray(0, 4096));
  const rest = head
    .replace(/^\uFEFF/, "")
    .replace(/^\s*<\?xml[^>]*\?>/, "")
    .replace(/^(\s*<!--[\s\S]*?-->)*/, "")
    .trimStart();
  // A DOCTYPE before the root is still "an SVG": the parser refuses it with its reason.
  return /^<svg[\s>/]/.test(rest) || /^<!DOCTYPE\s+svg/i.test(rest);
}
