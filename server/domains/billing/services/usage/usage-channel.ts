import { USAGE_TELEMETRY_KIND, ZUsageTelemetry } from "../../../../../protocol";
import { latestPerDevice } from "../../../../platform/features/ingest-channels";
import { writeUsage } from "./write-usage";

/** WAN byte counters on `telemetry/usage`: cumulative, so each device's newest report is enough. */
export const usageChannel = latestPerDevice({
  channel: "telemetry",
  kind: USAGE_TELEMETRY_KIND,
  schema: ZUsageTelemetry,
  write: writeUsage,
});
