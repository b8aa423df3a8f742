// The overlay domain's public surface: other domains import only this file.
export { type OverlayPeer, overlayCompiler } from "./compile/compile-overlay";
export { loadOverlayPeers, usesOverlay } from "./compile/load-peers";
export { overlayFeature as feature } from "./feature";
export {
  cacheLatestPaths,
  hasOverlayReports,
  mergeOverlayReports,
  newOverlayReports,
  type OverlayReports,
  writeOverlayReports,
} from "./ingest";
export { EMPTY_OVERLAY_INTENT, type OverlayIntent, ZOverlayIntent } from "./intent-schema";
export { removeSiteFromSegments } from "./services/segments";
