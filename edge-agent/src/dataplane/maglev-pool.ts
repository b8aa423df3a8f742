// Where Maglev rings go in the `maglev` slot pool. Pure: the caller passes the rings
// in use, read from the `services` map (a region is used exactly while a service
// points at it), so there is no allocation state to lose on an agent restart or to
// drift from the kernel; "freeing" a ring is switching its service away from it.
//
// The pool is two regions of MAGLEV_REGION slots, each enough for the largest ring
// set the limits allow. Rewriting the whole set (the agent's normal path) packs the
// new rings into a region no live ring touches, so it always fits and never meets
// fragmentation; the services then switch over and the other region empties. Single
// ring changes, and the rare state after an interrupted switch, use first fit.
import { MAGLEV_POOL, MAGLEV_REGION } from "./constants";

export interface Ring {
  off: number;
  size: number;
}

const REGIONS = MAGLEV_POOL / MAGLEV_REGION;
const overlaps = (a: Ring, lo: number, hi: number) => a.off < hi && lo < a.off + a.size;

/** Offsets for a whole new ring set packed into a region no used ring touches, or
 * null when every region holds some live ring. */
export function stageRings(used: readonly Ring[], sizes: readonly number[]): number[] | null {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > MAGLEV_REGION)
    throw new Error(`Maglev rings need ${total} slots, a pool region holds ${MAGLEV_REGION}`);
  for (let r = 0; r < REGIONS; r++) {
    const lo = r * MAGLEV_REGION;
    if (used.some((u) => overlaps(u, lo, lo + MAGLEV_REGION))) continue;
    let off = lo;
    return sizes.map((s) => {
      off += s;
      return off - s;
    });
  }
  return null;
}

/** Lowest free offset for each ring, none crossing a region boundary; regions that
 * already hold live rings are searched first so the set stays in one region when
 * it can (which keeps the other free for the next staged rewrite). */
export function fitRings(used: readonly Ring[], sizes: readonly number[]): number[] {
  const taken = [...used];
  const load = (r: number) =>
    used.filter((u) => overlaps(u, r * MAGLEV_REGION, (r + 1) * MAGLEV_REGION)).length;
  const order = Array.from({ length: REGIONS }, (_, r) => r).sort((a, b) => load(b) - load(a));
  const offsets = new Array<number>(sizes.length);
  // Largest first: small rings then fill the gaps the large ones leave.
  const bySize = sizes.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]);
  for (const [size, i] of bySize) {
    const off = firstGap(taken, size, order);
    if (off === null)
      throw new Error(
        `no room in the Maglev pool for a ring of ${size} slots (${taken.length} rings in use)`,
      );
    offsets[i] = off;
    taken.push({ off, size });
  }
  return offsets;
}

function firstGap(taken: readonly Ring[], size: number, order: readonly number[]): number | null {
  const sorted = [...taken].sort((a, b) => a.off - b.off);
  for (const r of order) {
    const end = (r + 1) * MAGLEV_REGION;
    let off = r * MAGLEV_REGION;
    for (const t of sorted) {
      if (t.off + t.size <= off) continue;
      if (t.off >= off + size) break;
      off = t.off + t.size;
    }
    if (off + size <= end) return off;
  }
  return null;
}
