import { badImage, kib } from "./image-error";
import { jpegSize } from "./jpeg";
import { type ImageSlot, SLOT_LIMITS } from "./limits";
import { pngSize, type Size } from "./png";
import { CONTENT_TYPES, type ImageFormat, sniff } from "./sniff";
import { sanitiseSvg } from "./svg/sanitise";
import { gifSize, icoSize, webpSize } from "./webp-gif-ico";

export type { ImageSlot } from "./limits";
export { SLOT_LIMITS } from "./limits";
export { sanitiseSvg } from "./svg/sanitise";

export interface ValidImage {
  format: ImageFormat;
  contentType: string;
  width: number;
  height: number;
  /** What to store: the upload itself, or for SVG the sanitised re-serialisation. */
  bytes: Uint8Array;
}

const RASTER: Record<Exclude<ImageFormat, "svg">, (b: Uint8Array) => Size> = {
  png: pngSize,
  jpeg: jpegSize,
  webp: webpSize,
  gif: gifSize,
  ico: icoSize,
};

const NAMES: Record<ImageFormat, string> = {
  png: "PNG",
  jpeg: "JPEG",
  webp: "WebP",
  gif: "GIF",
  ico: "ICO",
  svg: "SVG",
};

/**
 * Checks an uploaded image for a slot by its content alone (never its name or declared
 * type): format, byte size, dimensions read from its headers (nothing is decoded), and
 * for SVG the sanitiser. Throws AppError BAD_REQUEST naming the limit and the value found.
 */
export function validateImage(slot: ImageSlot, input: Uint8Array): ValidImage {
  const limits = SLOT_LIMITS[slot];
  const accepted = limits.formats.map((f) => NAMES[f]).join(", ");
  if (input.length === 0) throw badImage("The file is empty");
  if (input.length > limits.maxBytes)
    throw badImage(
      `The ${slot} is ${kib(input.length)}; at most ${kib(limits.maxBytes)} is allowed`,
    );
  const format = sniff(input);
  if (!format) throw badImage(`The file is not an image this ${slot} accepts (${accepted})`);
  if (!limits.formats.includes(format))
    throw badImage(`A ${slot} cannot be ${NAMES[format]}; use ${accepted}`);

  let bytes = input;
  let size: Size;
  if (format === "svg") {
    const svg = sanitiseSvg(input);
    bytes = svg.bytes;
    size = svg;
    if (bytes.length > limits.maxBytes)
      throw badImage(
        `The ${slot} is ${kib(bytes.length)}; at most ${kib(limits.maxBytes)} is allowed`,
      );
  } else {
    size = RASTER[format](input);
    const { width, height } = size;
    if (width < limits.minSide || height < limits.minSide)
      throw badImage(
        `The ${slot} is ${width}x${height} pixels; at least ${limits.minSide}x${limits.minSide} is needed`,
      );
    if (width > limits.maxSide || height > limits.maxSide)
      throw badImage(
        `The ${slot} is ${width}x${height} pixels; at most ${limits.maxSide}x${limits.maxSide} is allowed`,
      );
  }
  const aspect = Math.max(size.width, size.height) / Math.min(size.width, size.height);
  if (aspect > limits.maxAspect)
    throw badImage(
      `The ${slot} is ${size.width}x${size.height}; its sides may differ by at most ${limits.maxAspect}:1`,
    );
  return {
    format,
    contentType: CONTENT_TYPES[format],
    width: size.width,
    height: size.height,
    bytes,
  };
}
