import { defineFeature } from "../../platform/features/contract";
import { overlaySection as overlayCompiler } from "./compile/section";
import { overlayStatusChannel, pathEventsChannel, pathsChannel } from "./ingest";
import { overlaySection } from "./intent";

/** What the overlay domain adds to the pipelines (server/features.ts). */
export const overlayFeature = defineFeature("overlay", () => ({
  intent: [overlaySection],
  compile: [overlayCompiler],
  ingest: [overlayStatusChannel, pathsChannel, pathEventsChannel],
}));
