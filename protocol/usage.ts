// Data-transfer usage (docs/billing.md "Usage metering"): every heartbeat the agent
// publishes `telemetry/usage` with its WAN byte counters since it started. The counters
// are cumulative, so a lost report (QoS 0) loses nothing: the next one carries it.
import { z } from "zod";
import { ZCounter, ZReportedAt, ZV } from "./primitives";

/** The telemetry kind: topics.telemetry(identity, USAGE_TELEMETRY_KIND). */
export const USAGE_TELEMETRY_KIND = "usage";

const bytes = ZCounter;

export const ZUsageMetrics = z.object({
  /** When the agent started (ms since the Unix epoch): a new epoch restarts the counters. */
  epoch: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** WAN bytes received and sent since `epoch`, summed over the WAN interfaces. */
  rx_bytes: bytes,
  tx_bytes: bytes,
});
export type UsageMetrics = z.infer<typeof ZUsageMetrics>;

export const ZUsageTelemetry = z.object({
  v: ZV,
  at: ZReportedAt,
  metrics: ZUsageMetrics,
});
export type UsageTelemetry = z.infer<typeof ZUsageTelemetry>;
