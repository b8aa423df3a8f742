// The overlay domain's public surface: other domains import only this file.
export { type OverlayPeer, overlayCompiler } from "./compile/compile-overlay";
export { loadOverlayPeers, usesOverlay } from "./compile/load-peers";
export {
  cacheLatestPaths,
  hasOverlayReports,
  mergeOverlayReports,
  newOverlayReports,
  type OverlayReports,
  writeOverlayReports,
} from "./ingest";
export { restoreOverlay } from "./services/restore";
export { removeSiteFromSegments } from "./services/segments";

import { overlayRouter } from "./router";

/** The routers of this domain, keyed by their place in the API. */
export const routers = { overlay: overlayRouter };
