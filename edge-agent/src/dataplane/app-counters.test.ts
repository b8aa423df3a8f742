import { describe, expect, it } from "vitest";
import { sumAppCounters } from "./app-counters";
import { AppDir, MAX_APPS } from "./constants";

const row = (v: number, ...cpus: [packets: number, bytes: number][]) => ({
  key: { v },
  values: cpus.map(([p, b]) => ({ packets: BigInt(p), bytes: BigInt(b) })),
});

describe("sumAppCounters", () => {
  it("sums CPUs and splits index app * 2 + dir into rx and tx", () => {
    const m = sumAppCounters([
      row(0 * AppDir.dirs + AppDir.rx, [1, 100], [2, 200]),
      row(7 * AppDir.dirs + AppDir.rx, [3, 3000], [0, 0]),
      row(7 * AppDir.dirs + AppDir.tx, [0, 0], [5, 500]),
      row(9 * AppDir.dirs + AppDir.tx, [1, 60], [0, 0]),
    ]);
    expect([...m.entries()]).toEqual([
      [0, { rxPackets: 3n, rxBytes: 300n, txPackets: 0n, txBytes: 0n }],
      [7, { rxPackets: 3n, rxBytes: 3000n, txPackets: 5n, txBytes: 500n }],
      [9, { rxPackets: 0n, rxBytes: 0n, txPackets: 1n, txBytes: 60n }],
    ]);
  });

  it("leaves out all-zero ids and indices outside the map", () => {
    const m = sumAppCounters([
      row(2, [0, 0], [0, 0]),
      row(3, [0, 0]),
      row(MAX_APPS * AppDir.dirs, [1, 1]),
      row(-1, [1, 1]),
    ]);
    expect(m.size).toBe(0);
  });

  it("keeps counts beyond 2^53 exact", () => {
    const big = 2n ** 62n;
    const m = sumAppCounters([
      {
        key: { v: 1 * AppDir.dirs + AppDir.rx },
        values: [
          { packets: 1n, bytes: big },
          { packets: 1n, bytes: big },
        ],
      },
    ]);
    expect(m.get(1)?.rxBytes).toBe(2n * big);
  });
});
