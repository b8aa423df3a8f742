// Maglev consistent hashing (Eisenbud et al., NSDI'16), computed by the agent and
// pushed to the `maglev` map. Backends are identified by a stable name so every
// agent builds the same table, and removing one only moves (mostly) its own slots.
import { createHash } from "node:crypto";
import { MAGLEV_M } from "./constants";

function hash64(name: string, salt: string): bigint {
  return createHash("sha256").update(salt).update(name).digest().readBigUInt64LE(0);
}

/** Returns table[slot] = index into `names`; empty names -> empty table. */
export function maglevTable(names: readonly string[], m = MAGLEV_M): number[] {
  const n = names.length;
  if (n === 0) return [];
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
