// Pure: what one usage report adds to the tenant time series (docs/observability.md,
// "Tenant time series"): the device's WAN throughput and its throughput per application
// class, as bits per second over the time since the cursor. Only a report that continues
// the cursor's run counts: a restart's counters started at some unknown point in between.
import type { SeriesPointInput } from "../../../../platform/series/write";
import type { ClassCursor } from "./class-delta";
import type { UsageCursor } from "./delta";

export interface UsageStep {
  deviceId: string;
  prev: UsageCursor | null;
  epoch: number;
  /** Bytes the report added (usageDelta), when it was accepted. */
  added: { rx: number; tx: number } | null;
  /** The cursor's classes and what each reported class added (absent: refused). */
  prevClasses: ClassCursor;
  classes: readonly string[];
  classAdded: ReadonlyMap<string, { rx: number; tx: number }>;
  classRefused: ReadonlySet<string>;
  /** The database's clock (ms), the one the cursor was stored by. */
  nowMs: number;
}

export function usageSeriesPoints(s: UsageStep): SeriesPointInput[] {
  if (!s.prev || s.prev.epoch !== s.epoch || !s.added) return [];
  const seconds = (s.nowMs - s.prev.at) / 1000;
  if (!(seconds >= 1)) return [];
  const ts = new Date(s.nowMs);
  const rate = (bytes: number) => (bytes * 8) / seconds;
  const device = { deviceId: s.deviceId, kind: "device", objectId: s.deviceId, ts } as const;
  const out: SeriesPointInput[] = [
    { ...device, metric: "rx_bits_per_second", value: rate(s.added.rx) },
    { ...device, metric: "tx_bits_per_second", value: rate(s.added.tx) },
  ];
  for (const name of s.classes) {
    if (!(name in s.prevClasses) || s.classRefused.has(name)) continue;
    const add = s.classAdded.get(name) ?? { rx: 0, tx: 0 };
    const cls = { deviceId: s.deviceId, kind: "class", objectId: name, ts } as const;
    out.push({ ...cls, metric: "class_rx_bits_per_second", value: rate(add.rx) });
    out.push({ ...cls, metric: "class_tx_bits_per_second", value: rate(add.tx) });
  }
  return out;
}
