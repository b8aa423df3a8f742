// The overlay domain's public surface: other domains import only this file.
export { overlayFeature as feature } from "./feature";
export { EMPTY_OVERLAY_INTENT, type OverlayIntent, ZOverlayIntent } from "./intent-schema";
export { topology } from "./services/read";
export { removeSiteFromSegments } from "./services/segments";
