// What the agent needs of an overlay: the apply steps for the applier, and what the
// publisher reports. `Overlay` (overlay.ts) is the implementation; tests of the agent's
// channel may stand in their own.
import type { EventQueue } from "./events";
import type { OverlayConfig, OverlayStatus, PathEvent, PathReport } from "./types";

/** Applied after the data plane, in the same validate → apply → verify → rollback. */
export interface OverlayTarget {
  /** Throws when this device cannot run it; changes nothing. */
  validate(config: OverlayConfig | undefined): void;
  /** Makes it the running overlay; undefined removes the overlay. */
  apply(config: OverlayConfig | undefined): Promise<void>;
  verify(config: OverlayConfig | undefined): Promise<void>;
}

export interface OverlayHost extends OverlayTarget {
  /** true: no kernel behind it (SimOverlay); the agent then reports synthetic usage. */
  readonly simulated?: boolean;
  /** Path events not yet acknowledged by the broker. */
  readonly events: EventQueue;
  /** The running config (null: none). */
  readonly config: OverlayConfig | null;
  status(): OverlayStatus;
  report(): Promise<PathReport>;
  on(event: "status", f: (s: OverlayStatus) => void): unknown;
  on(event: "event", f: (e: PathEvent) => void): unknown;
  off(event: "status", f: (s: OverlayStatus) => void): unknown;
  off(event: "event", f: (e: PathEvent) => void): unknown;
}
