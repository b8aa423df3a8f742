import { defineFeature } from "../../platform/features/contract";
import { dataplaneChannel } from "./dataplane-channel";
import { seriesPermissions } from "./permissions";

/**
 * What the series area adds (server/features.ts): the data plane's rates on
 * telemetry/dataplane, and who may read series. The overlay's and billing's own channels
 * write their points themselves (server/platform/series/write.ts).
 */
export const seriesFeature = defineFeature("series", () => ({
  ingest: [dataplaneChannel],
  permissions: seriesPermissions,
}));
