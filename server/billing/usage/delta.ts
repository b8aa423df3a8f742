// Pure: what one usage report adds, given the device's previous cursor (device_usage).
// Counters are cumulative since the agent's start (its epoch) and never go down within
// it: the same epoch adds what each counter grew (a lower counter is a stale report that
// arrived late and adds nothing); a newer epoch (the agent restarted) counts whole; an
// older epoch is a stale report of a previous run and adds nothing.
import type { UsageMetrics } from "../../fleet/protocol";

/** 100 Gbit/s in bytes per second: no WAN link carries more, in either direction. */
export const MAX_BYTES_PER_SECOND = 12.5e9;

export interface UsageCursor {
  epoch: number;
  rx: number;
  tx: number;
  /** When the cursor was stored (ms). */
  at: number;
}

export type UsageDelta =
  | { ok: true; rx: number; tx: number }
  | { ok: false; rx: number; tx: number; reason: string };

export function usageDelta(prev: UsageCursor | null, cur: UsageMetrics, nowMs: number): UsageDelta {
  if (prev && cur.epoch < prev.epoch) return { ok: true, rx: 0, tx: 0 };
  const continues = prev !== null && prev.epoch === cur.epoch;
  const rx = continues ? Math.max(0, cur.rx_bytes - prev.rx) : cur.rx_bytes;
  const tx = continues ? Math.max(0, cur.tx_bytes - prev.tx) : cur.tx_bytes;
  // What the link could have carried since the last report of this epoch, or since the
  // agent started for the first report of an epoch: at least one second's worth.
  const since = prev && prev.epoch === cur.epoch ? prev.at : cur.epoch;
  const seconds = Math.max(1, (nowMs - since) / 1000);
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
