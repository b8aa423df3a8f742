// WAN traffic per application class, as the data plane counts it in app_counters
// (bpf/include/maps.h, docs/dataplane.md "Application counters"):
// index app_id * APP_DIRS + dir, one {packets, bytes} per CPU.
import { AppDir, MAX_APPS } from "./constants";

/** One application class's WAN traffic, summed over CPUs: rx = received from the
 * WAN (download), tx = sent to the WAN (upload). Bytes are frame lengths as the
 * programs see them (Ethernet header included). */
export interface AppCounter {
  rxBytes: bigint;
  txBytes: bigint;
  rxPackets: bigint;
  txPackets: bigint;
}

/** App id (0 = unclassified) -> its counts; only ids with some traffic. */
export type AppCounters = Map<number, AppCounter>;

/** One app_counters entry: its index and one value per CPU. */
export interface AppCounterRow {
  key: { v: number };
  values: readonly { packets: bigint; bytes: bigint }[];
}

/** Sums the per-CPU values of app_counters rows into per-app counts; ids whose
 * counts are all zero are left out, and so is any index outside the map. */
export function sumAppCounters(rows: Iterable<AppCounterRow>): AppCounters {
  const out: AppCounters = new Map();
  for (const { key, values } of rows) {
    const app = Math.floor(key.v / AppDir.dirs);
    if (!Number.isInteger(key.v) || key.v < 0 || app >= MAX_APPS) continue;
    let packets = 0n;
    let bytes = 0n;
    for (const v of values) {
      packets += v.packets;
      bytes += v.bytes;
    }
    if (packets === 0n && bytes === 0n) continue;
    let c = out.get(app);
    if (!c) {
      c = { rxBytes: 0n, txBytes: 0n, rxPackets: 0n, txPackets: 0n };
      out.set(app, c);
    }
    if (key.v % AppDir.dirs === AppDir.rx) {
      c.rxPackets += packets;
      c.rxBytes += bytes;
    } else {
      c.txPackets += packets;
      c.txBytes += bytes;
    }
  }
  return out;
}
