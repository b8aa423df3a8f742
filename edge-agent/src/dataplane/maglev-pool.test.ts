import { describe, expect, it } from "vitest";
import { MAGLEV_POOL, MAGLEV_REGION } from "./constants";
import { MAX_RING } from "./maglev";
import { fitRings, type Ring, stageRings } from "./maglev-pool";

const R = MAGLEV_REGION;
const rings = (offs: number[], sizes: number[]): Ring[] =>
  offs.map((off, i) => ({ off, size: sizes[i]! }));
const disjoint = (rs: Ring[]) => {
  const s = [...rs].sort((a, b) => a.off - b.off);
  return s.every((r, i) => i === 0 || s[i - 1]!.off + s[i - 1]!.size <= r.off);
};

describe("maglev pool", () => {
  it("stages a ring set packed into the region no live ring touches", () => {
    expect(stageRings([], [509, 251])).toEqual([0, 509]);
    expect(stageRings([{ off: 100, size: 251 }], [509, 251])).toEqual([R, R + 509]);
    expect(stageRings([{ off: R + 5, size: 251 }], [1021])).toEqual([0]);
  });

  it("alternates regions over repeated whole-set rewrites", () => {
    let live: Ring[] = [];
    const sizes = [MAX_RING, 65521, 251];
    for (let i = 0; i < 4; i++) {
      const offs = stageRings(live, sizes)!;
      expect(offs[0]).toBe(i % 2 ? R : 0);
      live = rings(offs, sizes);
    }
  });

  it("stages a set as large as a region while the other is full", () => {
    const full = [MAX_RING, 65521, R - MAX_RING - 65521];
    expect(stageRings([{ off: 0, size: R }], full)).toEqual([R, R + MAX_RING, R + 196592]);
  });

  it("refuses a ring set larger than a region", () => {
    expect(() => stageRings([], [MAX_RING, MAX_RING])).toThrow(/need 262142 slots/);
  });

  it("has no staging region when live rings sit in both (an interrupted switch)", () => {
    const live = [
      { off: 0, size: 509 },
      { off: R, size: 509 },
    ];
    expect(stageRings(live, [251])).toBeNull();
    const offs = fitRings(live, [251, 4093]);
    expect(disjoint([...live, ...rings(offs, [251, 4093])])).toBe(true);
  });

  it("fits a single ring into the region already in use, in the first gap", () => {
    const live = rings([R, R + 1021], [509, 2039]); // gap of 512 at R + 509
    expect(fitRings(live, [509])).toEqual([R + 509]);
    expect(fitRings(live, [1021])).toEqual([R + 1021 + 2039]);
  });

  it("never places a ring across a region boundary or outside the pool", () => {
    const live = [
      { off: R - 100, size: 100 },
      { off: 0, size: R - 200 },
    ];
    const [off] = fitRings(live, [MAX_RING]);
    expect(off).toBe(R);
    expect(off! + MAX_RING).toBeLessThanOrEqual(MAGLEV_POOL);
  });

  it("says so when no gap is large enough", () => {
    const live = rings([0, R], [R - 10, R - 10]);
    expect(() => fitRings(live, [251])).toThrow(/no room in the Maglev pool for a ring of 251/);
  });
});
