// The overlay's share of the fleet protocol (protocol/overlay.ts), in one
// place for the modules of this directory.
export type {
  OverlayClass,
  OverlayConfig,
  OverlayLink,
  OverlayPath,
  OverlayPolicy,
  OverlayStatus,
  PathEvent,
  PathEvents,
  PathReport,
  Selection,
  Sla,
} from "../../../../protocol";

export type OnViolation = "best_effort" | "hold";
export type PathState = "up" | "down" | "unknown";

/** Window metrics of one path (null until a probe was answered in the window). */
export interface PathMetrics {
  latencyMs: number | null;
  jitterMs: number | null;
  lossPct: number | null;
}
