// Pure: what one usage report adds, given the device's previous cursor (device_usage).
// Counters are cumulative since the agent's start (its epoch, a run's id): the same epoch
// adds what each counter grew (a lower counter is a stale report that arrived late and
// adds nothing); any other epoch is a restart and counts whole. Boxes often boot with a
// wrong clock, so a new run's epoch may well be lower than the previous one's.
import type { UsageMetrics } from "../../../../../protocol";

/** 100 Gbit/s in bytes per second: no WAN link carries more, in either direction. */
export const MAX_BYTES_PER_SECOND = 12.5e9;
/**
 * The least time a device's very first report is measured against: its epoch is the box's
 * own clock, which may be off, so it can widen the bound but never refuse legit usage.
 */
export const FIRST_REPORT_MIN_SECONDS = 600;

export interface UsageCursor {
  epoch: number;
  rx: number;
  tx: number;
  /** When the cursor was stored (ms, by the database's clock). */
  at: number;
}

export type UsageDelta =
  | { ok: true; rx: number; tx: number }
  | { ok: false; rx: number; tx: number; reason: string };

/** `nowMs` is the database's clock, the one the cursor's `at` was stored by. */
export function usageDelta(
  prev: UsageCursor | null,
  cur: Pick<UsageMetrics, "epoch" | "rx_bytes" | "tx_bytes">,
  nowMs: number,
): UsageDelta {
  const continues = prev !== null && prev.epoch === cur.epoch;
  const rx = continues ? Math.max(0, cur.rx_bytes - prev.rx) : cur.rx_bytes;
  const tx = continues ? Math.max(0, cur.tx_bytes - prev.tx) : cur.tx_bytes;
  // What the link could have carried since the cursor was stored (a restart's counters
  // start after it), at least one second's worth; with no cursor, since the agent started.
  const seconds = prev
    ? Math.max(1, (nowMs - prev.at) / 1000)
    : Math.max(FIRST_REPORT_MIN_SECONDS, (nowMs - cur.epoch) / 1000);
  const max = MAX_BYTES_PER_SECOND * seconds;
  if (rx > max || tx > max)
    return {
      ok: false,
      rx,
      tx,
      reason: `${Math.max(rx, tx)} bytes in ${Math.round(seconds)} s is above 100 Gbit/s`,
    };
  return { ok: true, rx, tx };
}
