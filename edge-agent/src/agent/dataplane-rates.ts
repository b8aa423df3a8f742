// Packet and drop rates for `telemetry/dataplane` (protocol/dataplane-telemetry.ts), from
// the data plane's cumulative counters (Driver.counters()), one report per heartbeat:
//   rx_packets_per_second / tx_packets_per_second: WAN packets the data plane passed in
//     from / out to the WAN (every app id of app_counters, unclassified included);
//   drops_per_second.<reason>: WAN packets dropped for that reason (a reason whose name
//     ends in _drop or _deny), only reasons that dropped something in the interval.
// Rates are growth over the time between two readings. The first reading is the baseline
// (no report); a counter that went down restarted (the data plane's maps were made anew)
// and is left out of that one interval instead of being guessed.
import { DROP_REASON, DROPS_PREFIX } from "../../../protocol";
import type { DataplaneCounters } from "./drivers/driver";
import { CLASS_READ_TIMEOUT_MS, readWithin } from "./usage-classes";

/** A reason whose packets the data plane dropped (`policy_deny`, `syn_flood_drop`, ...). */
export const isDropReason = (reason: string) => /_(drop|deny)$/.test(reason);

export interface CounterReading {
  /** When the counters were read (ms, the agent's monotonic-enough clock). */
  atMs: number;
  rxPackets: bigint;
  txPackets: bigint;
  /** Cumulative packets per drop reason. */
  drops: ReadonlyMap<string, bigint>;
}

/** Pure: the reading of one Driver.counters() answer. */
export function readingOf(c: DataplaneCounters, atMs: number): CounterReading {
  let rxPackets = 0n;
  let txPackets = 0n;
  for (const app of c.apps.values()) {
    rxPackets += app.rxPackets;
    txPackets += app.txPackets;
  }
  const drops = new Map<string, bigint>();
  for (const [reason, n] of Object.entries(c.reasons))
    if (isDropReason(reason) && DROP_REASON.test(reason)) drops.set(reason, n);
  return { atMs, rxPackets, txPackets, drops };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Pure: the rates between two readings, null when no time passed. A counter below its
 * previous value restarted and is left out; so is a drop reason with no drops.
 */
export function ratesBetween(
  prev: CounterReading,
  next: CounterReading,
): Record<string, number> | null {
  const seconds = (next.atMs - prev.atMs) / 1000;
  if (!(seconds > 0)) return null;
  const rate = (a: bigint, b: bigint) => (b >= a ? round(Number(b - a) / seconds) : null);
  const out: Record<string, number> = {};
  const rx = rate(prev.rxPackets, next.rxPackets);
  const tx = rate(prev.txPackets, next.txPackets);
  if (rx !== null) out.rx_packets_per_second = rx;
  if (tx !== null) out.tx_packets_per_second = tx;
  for (const [reason, n] of next.drops) {
    const r = rate(prev.drops.get(reason) ?? 0n, n);
    if (r) out[DROPS_PREFIX + reason] = r;
  }
  return out;
}

/** Reads the driver's counters at each report and answers the rates since the last one. */
export class DataplaneRates {
  private last: CounterReading | null = null;

  constructor(
    private readonly read: () => Promise<DataplaneCounters | null>,
    private readonly now: () => number = () => performance.now(),
    private readonly timeoutMs = CLASS_READ_TIMEOUT_MS,
  ) {}

  /** The rates since the previous report; null for the baseline, or when the data plane is
   * not loaded or did not answer in time (the next reading then spans the gap). */
  async report(): Promise<Record<string, number> | null> {
    const counters = await readWithin(this.read, this.timeoutMs);
    if (!counters) return null;
    const next = readingOf(counters, this.now());
    const prev = this.last;
    this.last = next;
    return prev ? ratesBetween(prev, next) : null;
  }
}
