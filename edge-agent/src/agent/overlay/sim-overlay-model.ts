// Pure: synthetic probes for the simulated overlay (sim-overlay.ts). Each path gets a
// stream of probe results as if a probe left every interval: a round-trip time around a
// base latency that depends on the kinds of its two links, a slow mean-reverting drift, a
// little per-probe noise (which is what the window's jitter measures) and, rarely, one lost
// probe. The window numbers come from the real `windowStats` (probe-stats.ts), so latency,
// jitter, loss and MOS are computed exactly as for real probes.
//
// Deterministic: the base latency and the noise's spread come from the path id (both ends
// of a path agree on them), the noise itself from a generator seeded with the path id and
// this end's inner address. No clock and no timers here: `advance(now)` is given the time.

import type { PathProbeView } from "./path-probe";
import { PROBE_WIRE_BYTES } from "./probe-packet";
import { type ProbeSample, WINDOW_MS, windowStats } from "./probe-stats";
import type { OverlayLink, OverlayPath } from "./types";

export type LinkKind = OverlayLink["kind"];

export interface KindProfile {
  /** Round-trip time of a path over this kind of link, ms (the base lies in this range). */
  latencyMs: readonly [number, number];
  /** Mean |ΔRTT| between consecutive probes, ms (the path's value lies in this range). */
  jitterMs: readonly [number, number];
  /** One probe in this many seconds of probing is lost, on average. */
  lossEverySeconds: number;
}

export const KIND_PROFILES: Record<LinkKind, KindProfile> = {
  fiber: { latencyMs: [8, 20], jitterMs: [0.3, 1.5], lossEverySeconds: 3600 },
  mpls: { latencyMs: [10, 25], jitterMs: [0.2, 1], lossEverySeconds: 3600 },
  broadband: { latencyMs: [15, 35], jitterMs: [1, 4], lossEverySeconds: 1200 },
  lte: { latencyMs: [35, 70], jitterMs: [3, 9], lossEverySeconds: 600 },
};

/** The remote link's kind is not in the config; its name usually says it ("lte", "fiber2"). */
const KIND_WORDS: [RegExp, LinkKind][] = [
  [/fib(er|re)|ftth/i, "fiber"],
  [/lte|5g|4g|cellular|mobile|wwan/i, "lte"],
  [/mpls/i, "mpls"],
  [/broadband|dsl|cable|docsis/i, "broadband"],
];

export function kindFromName(name: string): LinkKind | null {
  return KIND_WORDS.find(([re]) => re.test(name))?.[1] ?? null;
}

/** The kinds of a path's two links: the local one from `links`, the remote one by name
 * (else the local kind). */
export function pathKinds(path: OverlayPath, links: readonly OverlayLink[]): [LinkKind, LinkKind] {
  const local = links.find((l) => l.id === path.localLink)?.kind ?? "broadband";
  return [local, kindFromName(path.remote.linkName) ?? local];
}

/** FNV-1a, 32 bits. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, fast, seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SimPathParams {
  /** Mean RTT, ms. */
  baseMs: number;
  /** Range the drifting mean stays within, ms. */
  minMs: number;
  maxMs: number;
  /** Target mean |ΔRTT|, ms. */
  jitterMs: number;
  /** Probability that one probe is lost, per second of probing. */
  lossPerSecond: number;
}

/** What a path over these two kinds looks like: the slower link dominates, losses add up. */
export function pathParams(pathId: string, kinds: readonly [LinkKind, LinkKind]): SimPathParams {
  const [a, b] = kinds.map((k) => KIND_PROFILES[k]) as [KindProfile, KindProfile];
  const minMs = Math.max(a.latencyMs[0], b.latencyMs[0]);
  const maxMs = Math.max(a.latencyMs[1], b.latencyMs[1]);
  const jLo = Math.max(a.jitterMs[0], b.jitterMs[0]);
  const jHi = Math.max(a.jitterMs[1], b.jitterMs[1]);
  const r = seededRandom(hash32(pathId));
  // The base sits in the middle half of the range, so the drift stays inside it.
  const baseMs = minMs + (0.25 + 0.5 * r()) * (maxMs - minMs);
  const jitterMs = jLo + r() * (jHi - jLo);
  return {
    baseMs,
    minMs,
    maxMs,
    jitterMs,
    lossPerSecond: 1 / a.lossEverySeconds + 1 / b.lossEverySeconds,
  };
}

/** Time constant of the drift of the mean, ms. */
const DRIFT_TAU_MS = 10_000;
/** Samples are kept a little longer than the window. */
const KEEP_MS = WINDOW_MS + 1000;

/**
 * One path's synthetic probes. `advance(now)` produces the probes due since the last call
 * (at most one window's worth, however long the pause), each answered or lost at once.
 */
export class SimPath {
  private readonly samples: ProbeSample[] = [];
  private readonly rand: () => number;
  private drift = 0;
  private seq = 0;
  private nextAt: number;
  private readonly startedAt: number;
  readonly counters = { sent: 0, answered: 0, lost: 0, txBytes: 0, rxBytes: 0 };

  constructor(
    readonly params: SimPathParams,
    seed: number,
    private intervalMs: number,
    now: number,
    /** Start with a full window already measured (the path answers from the first tick). */
    warm = true,
  ) {
    this.rand = seededRandom(seed);
    this.startedAt = warm ? now - WINDOW_MS : now;
    this.nextAt = this.startedAt;
    this.advance(now);
  }

  retime(intervalMs: number) {
    this.intervalMs = intervalMs;
  }

  advance(now: number) {
    const p = this.params;
    const every = this.intervalMs;
    if (this.nextAt < now - WINDOW_MS) this.nextAt = now - WINDOW_MS;
    // AR(1) drift of the mean with a stationary spread of 1/8 of the latency range.
    const k = Math.min(1, every / DRIFT_TAU_MS);
    const spread = (p.maxMs - p.minMs) / 8;
    const step = spread * Math.sqrt(2 * k) * Math.sqrt(3);
    const bound = Math.max(p.baseMs - p.minMs, p.maxMs - p.baseMs);
    // Uniform noise of half-width w has a mean |Δ| of 2w/3 between independent draws.
    const noise = 1.5 * p.jitterMs;
    const lossP = Math.min(1, (p.lossPerSecond * every) / 1000);
    while (this.nextAt <= now) {
      this.drift = (1 - k) * this.drift + step * (2 * this.rand() - 1);
      if (this.drift > bound) this.drift = bound;
      else if (this.drift < -bound) this.drift = -bound;
      const lost = this.rand() < lossP;
      const mean = Math.min(p.maxMs, Math.max(p.minMs, p.baseMs + this.drift));
      const rtt = Math.max(0.2, mean + noise * (2 * this.rand() - 1));
      this.samples.push({
        seq: this.seq++,
        sentAt: this.nextAt,
        rttMs: lost ? null : Math.round(rtt * 1000) / 1000,
        lost,
      });
      this.counters.sent++;
      this.counters.txBytes += PROBE_WIRE_BYTES;
      if (lost) this.counters.lost++;
      else {
        this.counters.answered++;
        this.counters.rxBytes += PROBE_WIRE_BYTES;
      }
      this.nextAt += every;
    }
    let drop = 0;
    while (drop < this.samples.length && this.samples[drop]!.sentAt < now - KEEP_MS) drop++;
    if (drop) this.samples.splice(0, drop);
  }

  /** The window as the real prober shows it: always up (there is no tunnel to lose). */
  view(now: number): PathProbeView {
    const stats = windowStats(this.samples, now);
    let inWindow = 0;
    let answered = 0;
    for (const s of this.samples)
      if (s.sentAt >= now - WINDOW_MS) {
        inWindow++;
        if (s.rttMs !== null) answered++;
      }
    const span = Math.min(WINDOW_MS, Math.max(1, now - this.startedAt)) / 1000;
    return {
      state: "up",
      stats,
      bytesPerSecond: ((inWindow + answered) * PROBE_WIRE_BYTES) / span,
      counters: { ...this.counters },
    };
  }
}
