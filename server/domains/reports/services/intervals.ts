// Pure: minutes covered by a set of intervals, overlaps counted once (incident time).
export interface Interval {
  from: number;
  to: number;
}

/** Total length in minutes of the union of `intervals` (ms timestamps). */
export function unionMinutes(intervals: readonly Interval[]): number {
  const sorted = intervals.filter((i) => i.to > i.from).sort((a, b) => a.from - b.from);
  let total = 0;
  let start = Number.NaN;
  let end = Number.NaN;
  for (const i of sorted) {
    if (!(i.from <= end)) {
      if (end > start) total += end - start;
      start = i.from;
      end = i.to;
    } else end = Math.max(end, i.to);
  }
  if (end > start) total += end - start;
  return total / 60_000;
}
