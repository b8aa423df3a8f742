import { USAGE_TELEMETRY_KIND, ZUsageTelemetryIngest } from "../../../../../protocol";
import { latestPerDevice } from "../../../../platform/features/ingest-channels";
import { writeUsage } from "./write-usage";

/**
 * WAN byte counters on `telemetry/usage`: cumulative, so each device's newest report is
 * enough. `classes` is checked by writeUsage, so a bad one costs the classes, not the totals.
 */
export const usageChannel = latestPerDevice({
  channel: "telemetry",
  kind: USAGE_TELEMETRY_KIND,
  schema: ZUsageTelemetryIngest,
  write: writeUsage,
});
