export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median of a row's runs and their run-to-run spread. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** (max - min) / median: 0.05 = the runs lie within 5% of each other. */
  rel: number;
  runs: number[];
}

export function spread(runs: number[]): Spread {
  const m = median(runs);
  const min = Math.min(...runs);
  const max = Math.max(...runs);
  return { median: m, min, max, rel: m ? (max - min) / m : 0, runs };
}

export function table(rows: (string | number)[][]): string {
  const cells = rows.map((r) =>
    r.map((c) => (typeof c === "number" ? c.toFixed(c < 10 ? 2 : 1) : c)),
  );
  const w = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  "))
    .join("\n");
}
