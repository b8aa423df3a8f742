import { defineFeature } from "../../platform/features/contract";
import {
  heartbeatChannel,
  presenceChannel,
  stateChannel,
  telemetryChannel,
} from "./channel/core-channels";

/** What the fleet domain adds to the pipelines (server/features.ts). */
export const fleetFeature = defineFeature("fleet", () => ({
  // Heartbeats before presence: in one batch, a device's heartbeat was sent before its
  // offline presence (an agent says offline last; the broker sends its will after the
  // connection is gone), so the heartbeat's "online" must not be written over it.
  ingest: [stateChannel, heartbeatChannel, presenceChannel, telemetryChannel],
}));
