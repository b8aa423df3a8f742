// Maglev consistent hashing (Eisenbud et al., NSDI'16), computed by the agent and
// pushed to the `maglev` map. Backends are identified by a stable name so every
// agent builds the same table, and removing one only moves (mostly) its own slots.
import { createHash } from "node:crypto";

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

/**
 * The ring sizes a service can have: the largest prime below each power of two from
 * 2^8 to 2^17 (251, 509, ..., 131071). A service gets the smallest one with at least
 * 100 slots per configured backend, which keeps every backend's share within ~1 %.
 * Why a ladder rather than the smallest prime >= 100 × N: Maglev moves only ~1/N of
 * the slots when a backend leaves *at the same size*; a new size reshuffles them all.
 * On the ladder the size changes only when the backend count crosses a step
 * (about a doubling), so adding or removing one backend almost never changes it, at
 * the price of up to twice the slots. 251 is the floor: below it a ring of one or two
 * backends gains nothing from being smaller.
 */
export const RING_SIZES: readonly number[] = Array.from({ length: 10 }, (_, i) => {
  let p = 2 ** (i + 8);
  while (!isPrime(p)) p--;
  return p;
});
export const SLOTS_PER_BACKEND = 100;
export const MAX_RING = RING_SIZES[RING_SIZES.length - 1]!;
/** The most backends one ring takes. */
export const MAX_RING_BACKENDS = Math.floor(MAX_RING / SLOTS_PER_BACKEND);

/** Ring size for a service with `backends` configured backends (healthy or not, so a
 * drain keeps the size and moves only the drained backend's slots). */
export function ringSize(backends: number): number {
  const want = Math.max(1, backends) * SLOTS_PER_BACKEND;
  const m = RING_SIZES.find((p) => p >= want);
  if (m === undefined)
    throw new Error(`${backends} backends exceed one ring's ${MAX_RING_BACKENDS}`);
  return m;
}

function hash64(name: string, salt: string): bigint {
  return createHash("sha256").update(salt).update(name).digest().readBigUInt64LE(0);
}

/** Returns table[slot] = index into `names` for a ring of `m` slots (m prime, so each
 * backend's permutation visits every slot); empty names -> empty table. */
export function maglevTable(names: readonly string[], m: number): number[] {
  const n = names.length;
  if (n === 0) return [];
  if (!isPrime(m) || m < n) throw new Error(`maglev: ring size ${m} is not a prime >= ${n}`);
  const M = BigInt(m);
  const offset = names.map((s) => Number(hash64(s, "offset") % M));
  const skip = names.map((s) => Number((hash64(s, "skip") % (M - 1n)) + 1n));
  const next = new Array<number>(n).fill(0);
  const table = new Array<number>(m).fill(-1);
  let filled = 0;
  while (filled < m) {
    for (let i = 0; i < n && filled < m; i++) {
      let c = (offset[i]! + next[i]! * skip[i]!) % m;
      while (table[c]! >= 0) {
        next[i]!++;
        c = (offset[i]! + next[i]! * skip[i]!) % m;
      }
      table[c] = i;
      next[i]!++;
      filled++;
    }
  }
  return table;
}

/** 32-bit finaliser (murmur3's): spreads every input bit over the output. */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The ring of a service whose backends may be unhealthy: returns table[slot] = index
 * into `names` of a healthy backend; empty when none is healthy. The Maglev table is
 * built over every configured backend, then each slot of an unhealthy one goes to
 * the healthy backend that ranks highest for that slot (rendezvous hashing) among
 * those still below an even share. A drain therefore moves exactly the drained
 * backend's slots (rebuilding the table without it would move ~c/N more through
 * Maglev's fill order, c growing with N), and shares stay even.
 */
export function maglevRing(names: readonly string[], healthy: readonly boolean[], m: number) {
  const live = names.flatMap((_, i) => (healthy[i] ? [i] : []));
  if (live.length === 0) return [];
  const table = maglevTable(names, m);
  if (live.length === names.length) return table;
  const cap = Math.ceil(m / live.length);
  const count = new Array<number>(names.length).fill(0);
  for (const i of table) if (healthy[i]) count[i]!++;
  const seed = names.map((s) => Number(hash64(s, "rank") & 0xffffffffn));
  for (let slot = 0; slot < m; slot++) {
    if (healthy[table[slot]!]) continue;
    const h = mix32(slot + 1);
    let best = -1;
    let bestScore = -1;
    for (const i of live) {
      const score = mix32(seed[i]! ^ h);
      if (count[i]! < cap && score > bestScore) [best, bestScore] = [i, score];
    }
    table[slot] = best;
    count[best]!++;
  }
  return table;
}
