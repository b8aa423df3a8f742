import { defineFeature } from "../../platform/features/contract";
import {
  heartbeatChannel,
  presenceChannel,
  stateChannel,
  telemetryChannel,
} from "./channel/core-channels";

/** What the fleet domain adds to the pipelines (server/features.ts). */
export const fleetFeature = defineFeature("fleet", () => ({
  ingest: [stateChannel, presenceChannel, heartbeatChannel, telemetryChannel],
}));
