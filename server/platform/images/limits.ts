import type { ImageFormat } from "./sniff";

export type ImageSlot = "logo" | "favicon";

export interface SlotLimits {
  /** What the slot accepts, by content. */
  formats: readonly ImageFormat[];
  maxBytes: number;
  /** Pixel bounds of raster images (an SVG scales: only its proportions are checked). */
  maxSide: number;
  minSide: number;
  /** The longer side may be at most this many times the shorter. */
  maxAspect: number;
}

export const SLOT_LIMITS: Record<ImageSlot, SlotLimits> = {
  logo: {
    formats: ["png", "jpeg", "webp", "gif", "svg"],
    maxBytes: 512 * 1024,
    maxSide: 2048,
    minSide: 16,
    maxAspect: 10,
  },
  // Browsers show favicons square: a very wide one would be squashed.
  favicon: {
    formats: ["png", "ico", "svg"],
    maxBytes: 100 * 1024,
    maxSide: 512,
    minSide: 16,
    maxAspect: 1.25,
  },
};
