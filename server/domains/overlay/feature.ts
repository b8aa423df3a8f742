import { defineFeature } from "../../platform/features/contract";
import { overlaySection as overlayCompiler } from "./compile/section";
import { overlaySection } from "./intent";

/** What the overlay domain adds to the pipelines (server/features.ts). */
export const overlayFeature = defineFeature({
  name: "overlay",
  intent: [overlaySection],
  compile: [overlayCompiler],
});
