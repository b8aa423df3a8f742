// Pure: what a window of probes says about a path (docs/overlay.md "Probes").
import type { PathMetrics } from "./types";

export const WINDOW_MS = 3000;
/** Floor of the loss timeout, and the timeout while no RTT is known yet. */
export const MIN_TIMEOUT_MS = 60;
export const FIRST_TIMEOUT_MS = 1000;
/**
 * A probe past its timeout counts as lost in the loss figure only once it is this old:
 * its answer may still come (the timeout is for finding outages fast, and a rise in delay
 * overruns it for a while), and counting it at once would report a slow path as lossy.
 */
export const LOSS_SETTLE_MS = 1000;

export interface ProbeSample {
  seq: number;
  /** When it was sent (ms, monotonic). */
  sentAt: number;
  /** Round trip once answered. */
  rttMs: number | null;
  /** Declared lost by its timeout (a late answer clears it again). */
  lost: boolean;
}

export interface WindowStats extends PathMetrics {
  mos: number | null;
  sent: number;
  lost: number;
}

/** A probe is lost when it is not answered within max(3 × RTT, 60 ms). */
export function lossTimeoutMs(rttMs: number | null): number {
  return rttMs === null ? FIRST_TIMEOUT_MS : Math.max(3 * rttMs, MIN_TIMEOUT_MS);
}

/**
 * Samples sent within the window before `now`, still pending ones left out: latency is the
 * mean RTT, jitter the mean |ΔRTT| between consecutive answers (RFC 3550's idea without
 * its smoothing), loss the share of decided probes that were lost (lost ones only when
 * older than LOSS_SETTLE_MS; younger ones are not decided yet).
 */
export function windowStats(
  samples: readonly ProbeSample[],
  now: number,
  windowMs = WINDOW_MS,
): WindowStats {
  let answered = 0;
  let lost = 0;
  let sum = 0;
  let jitterSum = 0;
  let jitterN = 0;
  let prev: number | null = null;
  for (const s of samples) {
    if (s.sentAt < now - windowMs) continue;
    if (s.rttMs !== null) {
      answered++;
      sum += s.rttMs;
      if (prev !== null) {
        jitterSum += Math.abs(s.rttMs - prev);
        jitterN++;
      }
      prev = s.rttMs;
    } else if (s.lost && s.sentAt <= now - LOSS_SETTLE_MS) lost++;
  }
  const decided = answered + lost;
  const latencyMs = answered ? sum / answered : null;
  const jitterMs = answered ? (jitterN ? jitterSum / jitterN : 0) : null;
  const lossPct = decided ? (100 * lost) / decided : null;
  return {
    latencyMs,
    jitterMs,
    lossPct,
    mos: latencyMs === null ? null : mos(latencyMs, jitterMs ?? 0, lossPct ?? 0),
    sent: decided,
    lost,
  };
}

/**
 * Mean opinion score from a simplified ITU-T G.107 E-model, as commonly used for VoIP
 * monitoring (the RTT stands in for the one-way delay, which errs on the cautious side):
 *   d = latency + 2 × jitter + 10 ms (codec)
 *   R = 93.2 − d / 40            when d < 160 ms
 *   R = 93.2 − (d − 120) / 10    otherwise
 *   R = R − 2.5 × loss%          (clamped to 0..100)
 *   MOS = 1 + 0.035 R + 7e-6 × R × (R − 60) × (100 − R)   (1 … 4.5)
 */
export function mos(latencyMs: number, jitterMs: number, lossPct: number): number {
  const d = latencyMs + 2 * jitterMs + 10;
  let r = d < 160 ? 93.2 - d / 40 : 93.2 - (d - 120) / 10;
  r = Math.min(100, Math.max(0, r - 2.5 * lossPct));
  const m = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return Math.min(4.5, Math.max(1, m));
}
