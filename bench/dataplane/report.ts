// What every row group returns and how rows are printed. A row that failed its
// path check carries what differed and no numbers; a missed target is only reported.
import type { Env } from "../../bpf/tests/lib/harness";
import { type Spread, table } from "./stats";

export interface BenchOptions {
  quick: boolean;
  iperf: boolean;
  /** Case-insensitive substring of "<group> <row>"; rows that do not match are not run. */
  only?: string;
  /** Timed runs per row (median and spread over them). */
  runs: number;
  /** BPF_PROG_TEST_RUN repeat for rows whose path stays the same on repeat. */
  repeat: number;
  /** Calls per run for rows timed per call (fresh packet each call). */
  calls: number;
}

export interface BenchContext {
  env: Env;
  opts: BenchOptions;
  selected(group: string, row: string): boolean;
  log(msg: string): void;
}

export type RowStatus = "ok" | "FAILED" | "skipped";

export interface BenchRow {
  group: string;
  name: string;
  status: RowStatus;
  unit: string;
  /** How the figure was taken, e.g. "repeat 1,000,000" or "per call, 3000 fresh packets". */
  timing?: string;
  value?: Spread;
  /** What the ratio is against, measured in the same runs, interleaved with this row. */
  baseline?: { name: string; value: Spread };
  /** Per-run value / baseline. */
  ratio?: Spread;
  target?: { text: string; met: boolean };
  /** What was verified about the path (before and after timing). */
  checks: string[];
  /** What differed from the declared path (status FAILED). */
  failures: string[];
  note?: string;
}

/** A group of rows; the runner's registry (run.ts) lists them, one line each. */
export interface RowGroup {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const range = (s: Spread) => (s.runs.length > 1 ? `${fmt(s.min)}-${fmt(s.max)}` : "-");

export function formatRows(rows: BenchRow[]): string {
  const head = ["row", "timing", "median", "unit", "runs min-max", "vs", "ratio", "ratio min-max"];
  const body = rows.map((r) => {
    const ok = r.status === "ok";
    return [
      r.name,
      r.timing ?? "",
      ok && r.value ? fmt(r.value.median) : r.status,
      r.unit,
      ok && r.value ? range(r.value) : "",
      ok && r.baseline ? `${r.baseline.name} ${fmt(r.baseline.value.median)}` : "",
      ok && r.ratio ? r.ratio.median.toFixed(2) : "",
      ok && r.ratio ? `${r.ratio.min.toFixed(2)}-${r.ratio.max.toFixed(2)}` : "",
      r.target ? `${r.target.text} ${r.target.met ? "PASS" : "MISS"}` : "",
    ];
  });
  const lines = [table([[...head, "target"], ...body])];
  for (const r of rows) {
    if (r.status === "FAILED")
      lines.push(`FAILED ${r.name}:\n${r.failures.map((f) => `  - ${f}`).join("\n")}`);
    if (r.status === "skipped") lines.push(`skipped ${r.name}: ${r.note ?? ""}`);
  }
  return lines.join("\n");
}
