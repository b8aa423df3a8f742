// What the WAN emulator does to a datagram, as pure functions (the relay process applies
// them; unit-tested without namespaces). A datagram from link X to link Y passes X's
// impairments on the way in and Y's on the way out: its delay is the sum of both links'
// delay and jitter samples, and it survives only if neither link loses it.
import { z } from "zod";

export const ZJitterShape = z.enum(["uniform", "normal"]);

/**
 * One link's impairments. Jitter `uniform`: delay + U(-jitterMs, +jitterMs); `normal`:
 * delay + N(0, jitterMs) (standard deviation jitterMs). Either way a sample is clamped
 * at 0 ms, so a jitter larger than the delay skews the mean up.
 */
export const ZImpairment = z.strictObject({
  delayMs: z.number().min(0).max(60_000),
  jitterMs: z.number().min(0).max(60_000),
  jitter: ZJitterShape,
  lossPct: z.number().min(0).max(100),
  /** Black hole: every datagram in or out through the link is dropped. */
  down: z.boolean(),
});
export type Impairment = z.infer<typeof ZImpairment>;
export const ZImpairmentPatch = ZImpairment.partial();
export type ImpairmentPatch = z.infer<typeof ZImpairmentPatch>;

export const CLEAR: Impairment = {
  delayMs: 0,
  jitterMs: 0,
  jitter: "uniform",
  lossPct: 0,
  down: false,
};

/** Box–Muller: one standard normal sample. */
function gauss(rand: () => number): number {
  const u = 1 - rand(); // (0, 1]: log(0) never happens
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** One link's share of a datagram's delay, ms (never negative). */
export function sampleDelay(imp: Impairment, rand: () => number = Math.random): number {
  if (imp.jitterMs === 0) return imp.delayMs;
  const j = imp.jitter === "normal" ? gauss(rand) * imp.jitterMs : (rand() * 2 - 1) * imp.jitterMs;
  return Math.max(0, imp.delayMs + j);
}

export function loses(imp: Impairment, rand: () => number = Math.random): boolean {
  return imp.lossPct > 0 && rand() * 100 < imp.lossPct;
}

/**
 * Holds datagrams for their delay and releases them in due order with one timer. With
 * `keepOrder` (no jitter) a datagram is never due before the one pushed ahead of it, so a
 * link whose delay drops does not reorder what is already on the wire; with jitter,
 * datagrams may overtake each other, as on a real jittery link. Never releases early.
 */
export class DelayLine {
  private queue: { due: number; release: () => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastDue = 0;

  constructor(private readonly now: () => number) {}

  get size() {
    return this.queue.length;
  }

  push(delayMs: number, release: () => void, keepOrder: boolean) {
    const t = this.now();
    const due = keepOrder ? Math.max(t + delayMs, this.lastDue) : t + delayMs;
    this.lastDue = Math.max(this.lastDue, due);
    if (due <= t && this.queue.length === 0) {
      release();
      return;
    }
    // Stable: after every entry due at the same time or earlier.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.queue[mid]!.due <= due) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, { due, release });
    if (lo === 0) this.arm();
  }

  /** Drops everything held (the relay is stopping). */
  clear() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
  }

  private arm() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const head = this.queue[0];
    if (!head) return;
    // Node's timers count whole ms from a loop time that may lag: round up, re-check on fire.
    const wait = Math.max(1, Math.ceil(head.due - this.now()));
    this.timer = setTimeout(() => this.fire(), wait);
  }

  private fire() {
    this.timer = null;
    const t = this.now();
    while (this.queue.length && this.queue[0]!.due <= t) this.queue.shift()!.release();
    this.arm();
  }
}
