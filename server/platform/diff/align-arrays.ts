// Lines up two arrays the way a text diff lines up lines: elements equal on both sides
// anchor (longest common subsequence); between anchors, elements pair up by position (a
// change inside them) and the surplus is removed or added.
import { canonical } from "./json-values";
import type { Json } from "./types";

export interface AlignedPair {
  before?: number;
  after?: number;
}

/** Above this many cells the LCS table costs too much: pairs by position only. */
const MAX_CELLS = 1_000_000;

export function alignArrays(b: readonly Json[], a: readonly Json[]): AlignedPair[] {
  const anchors = b.length * a.length <= MAX_CELLS ? lcs(b.map(canonical), a.map(canonical)) : [];
  const pairs: AlignedPair[] = [];
  let i = 0;
  let j = 0;
  for (const [bi, ai] of [...anchors, [b.length, a.length] as const]) {
    const both = Math.min(bi - i, ai - j);
    for (let k = 0; k < both; k++) pairs.push({ before: i + k, after: j + k });
    for (let k = i + both; k < bi; k++) pairs.push({ before: k });
    for (let k = j + both; k < ai; k++) pairs.push({ after: k });
    if (bi < b.length) pairs.push({ before: bi, after: ai });
    i = bi + 1;
    j = ai + 1;
  }
  return pairs;
}

/** Index pairs of a longest common subsequence of two lists of texts. */
function lcs(x: string[], y: string[]): [number, number][] {
  const n = x.length;
  const m = y.length;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      (table[i] as Uint32Array)[j] =
        x[i] === y[j]
          ? ((table[i + 1] as Uint32Array)[j + 1] as number) + 1
          : Math.max(
              (table[i + 1] as Uint32Array)[j] as number,
              (table[i] as Uint32Array)[j + 1] as number,
            );
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      out.push([i, j]);
      i++;
      j++;
    } else if (
      ((table[i + 1] as Uint32Array)[j] as number) >= ((table[i] as Uint32Array)[j + 1] as number)
    )
      i++;
    else j++;
  }
  return out;
}
