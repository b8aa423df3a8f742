// Data-transfer usage (docs/billing.md "Usage metering"): every heartbeat the agent
// publishes `telemetry/usage` with its WAN byte counters since it started. The counters
// are cumulative, so a lost report (QoS 0) loses nothing: the next one carries it.
// Optionally (docs/overview.md "Top applications") the same report carries cumulative bytes
// per application class since the same epoch; agents without it stay valid.
import { z } from "zod";
import { ZCounter, ZReportedAt, ZV } from "./primitives";
import { zText } from "./text";

/** The telemetry kind: topics.telemetry(identity, USAGE_TELEMETRY_KIND). */
export const USAGE_TELEMETRY_KIND = "usage";

/** The class name of traffic no application class matched. */
export const UNCLASSIFIED_CLASS = "other";
/**
 * Entries of `classes` in one report: a box has at most 250 classes (ZOverlayClass ids),
 * but an agent folds all beyond this many into UNCLASSIFIED_CLASS, so the ingest's work
 * and the per-device cursor stay small.
 */
export const MAX_USAGE_CLASSES = 64;

const bytes = ZCounter;

/** A class name as the overlay's application classes name them (1..60 characters, trimmed). */
export const ZUsageClassName = zText()
  .min(1)
  .max(60)
  .refine((s) => s.trim() === s, "no leading or trailing spaces");

export const ZUsageClass = z.object({
  name: ZUsageClassName,
  /** Bytes of the class received and sent since `epoch` (over the WAN). */
  rx_bytes: bytes,
  tx_bytes: bytes,
});
export type UsageClass = z.infer<typeof ZUsageClass>;

export const ZUsageClasses = z
  .array(ZUsageClass)
  .max(MAX_USAGE_CLASSES)
  .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, "a class name appears twice");

export const ZUsageMetrics = z.object({
  /** When the agent started (ms since the Unix epoch): a new epoch restarts the counters. */
  epoch: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** WAN bytes received and sent since `epoch`, summed over the WAN interfaces. */
  rx_bytes: bytes,
  tx_bytes: bytes,
  /** Bytes per application class since `epoch`; absent: the agent does not count them. */
  classes: ZUsageClasses.optional(),
});
export type UsageMetrics = z.infer<typeof ZUsageMetrics>;

export const ZUsageTelemetry = z.object({
  v: ZV,
  at: ZReportedAt,
  metrics: ZUsageMetrics,
});
export type UsageTelemetry = z.infer<typeof ZUsageTelemetry>;

/**
 * What the ingest accepts on `telemetry/usage`: the same message with `classes` left
 * unchecked, so that a bad `classes` costs only the per-class figures (the ingest checks
 * them with ZUsageClasses and drops them with a warning), never the device's WAN totals,
 * which billing depends on.
 */
export const ZUsageTelemetryIngest = z.object({
  v: ZV,
  at: ZReportedAt,
  metrics: ZUsageMetrics.extend({ classes: z.unknown().optional() }),
});
export type UsageTelemetryIngest = z.infer<typeof ZUsageTelemetryIngest>;
