// The printed figures: medians over runs, ratios against the target.
import type { RunResult, Timeline } from "./measure";
import { median, table } from "./stats";

export const TARGET_MS = 2000;

export interface SizeResult {
  n: number;
  sites: number;
  enrollMs: number;
  enrollCpu: Record<string, number>;
  /** Agents process, per agent, in bytes. */
  rssPerAgent: number;
  heapPerAgent: number;
  externalPerAgent: number;
  brokerPerAgent: number;
  runs: RunResult[];
}

const ms = (x: number) => (Number.isNaN(x) ? "-" : Math.round(x).toString());
const kib = (bytes: number) => (bytes / 1024).toFixed(1);

function byMode(s: SizeResult, mode: RunResult["mode"]) {
  const runs = s.runs.filter((r) => r.mode === mode);
  const med = (f: (r: RunResult) => number) => (runs.length ? median(runs.map(f)) : Number.NaN);
  return { runs, med };
}

export function runLine(n: number, r: RunResult) {
  return `  N=${n} ${r.mode.padEnd(9)} rev ${r.revision}: p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms, max ${ms(r.max)} ms, recorded ${ms(r.timeline.dbDone)} ms${r.canary ? ` (canary ${r.canary})` : ""}`;
}

export function summaryTable(sizes: SizeResult[]) {
  const rows: (string | number)[][] = [
    [
      "N",
      "enroll dev/s",
      "KiB/agent",
      "canary p50",
      "p99",
      "max",
      "p99/target",
      "no-canary p50",
      "p99",
      "max",
      "p99/target",
    ],
  ];
  for (const s of sizes) {
    const c = byMode(s, "canary");
    const d = byMode(s, "no-canary");
    rows.push([
      s.n.toLocaleString("en"),
      (s.n / (s.enrollMs / 1000)).toFixed(1),
      kib(s.rssPerAgent),
      ms(c.med((r) => r.p50)),
      ms(c.med((r) => r.p99)),
      ms(c.med((r) => r.max)),
      (c.med((r) => r.p99) / TARGET_MS).toFixed(2),
      ms(d.med((r) => r.p50)),
      ms(d.med((r) => r.p99)),
      ms(d.med((r) => r.max)),
      (d.med((r) => r.p99) / TARGET_MS).toFixed(2),
    ]);
  }
  return table(rows);
}

/**
 * Not only medians: per size and mode, the worst run's p99, the slowest ack of any run, and
 * the time until the database had recorded every ack (median and worst).
 */
export function worstTable(sizes: SizeResult[]) {
  const rows: (string | number)[][] = [
    [
      "N",
      "mode",
      "runs",
      "p99 median",
      "p99 worst",
      "max worst",
      "recorded median",
      "recorded worst",
    ],
  ];
  for (const s of sizes)
    for (const mode of ["canary", "no-canary"] as const) {
      const { runs, med } = byMode(s, mode);
      if (!runs.length) continue;
      const worst = (f: (r: RunResult) => number) => Math.max(...runs.map(f));
      rows.push([
        s.n.toLocaleString("en"),
        mode,
        String(runs.length),
        ms(med((r) => r.p99)),
        ms(worst((r) => r.p99)),
        ms(worst((r) => r.max)),
        ms(med((r) => r.timeline.dbDone)),
        ms(worst((r) => r.timeline.dbDone)),
      ]);
    }
  return table(rows);
}

export function memoryTable(sizes: SizeResult[]) {
  return table([
    ["N", "agents RSS KiB/agent", "heap KiB/agent", "external KiB/agent", "broker RSS KiB/agent"],
    ...sizes.map((s) => [
      s.n.toLocaleString("en"),
      kib(s.rssPerAgent),
      kib(s.heapPerAgent),
      kib(s.externalPerAgent),
      kib(s.brokerPerAgent),
    ]),
  ]);
}

const EVENTS: [string, (t: Timeline) => number][] = [
  ["API call returned (commit + enqueue)", (t) => t.api],
  ["compile job started", (t) => t.jobStart],
  ["rollout row created", (t) => t.rolloutCreated],
  ["stage 1: first device applying", (t) => t.stage1ApplyFirst],
  ["stage 1: last device applying", (t) => t.stage1ApplyLast],
  ["compile job finished", (t) => t.jobEnd],
  ["stage 1: last ack", (t) => t.stage1AckLast],
  ["stage 2 (rest): first device applying", (t) => t.stage2ApplyFirst],
  ["stage 2 (rest): last device applying", (t) => t.stage2ApplyLast],
  ["stage 2 (rest): last ack", (t) => t.stage2AckLast],
  ["rollout completed (finishedAt)", (t) => t.rolloutFinished],
  ["seen completed in the database", (t) => t.dbDone],
];

/** Median time of each event since t0, one column per size and mode. */
export function timelineTable(sizes: SizeResult[]) {
  const cols = sizes.flatMap((s) =>
    (["canary", "no-canary"] as const).map((mode) => ({
      label: `${s.n} ${mode}`,
      ...byMode(s, mode),
    })),
  );
  return table([
    ["ms since the API call (median)", ...cols.map((c) => c.label)],
    ...EVENTS.map(([name, f]) => [name, ...cols.map((c) => ms(c.med((r) => f(r.timeline))))]),
  ]);
}

/** CPU ms per process over t0 → recorded (median), and as a share of two cores. */
export function cpuTable(sizes: SizeResult[]) {
  const procs = ["agents", "workers", "broker", "postgres", "redis", "bench"];
  const cols = sizes.flatMap((s) =>
    (["canary", "no-canary"] as const).map((mode) => ({
      label: `${s.n} ${mode}`,
      ...byMode(s, mode),
    })),
  );
  const wall = (c: (typeof cols)[number]) => c.med((r) => r.timeline.dbDone);
  return table([
    ["CPU ms during the change (median)", ...cols.map((c) => c.label)],
    ...procs.map((p) => [p, ...cols.map((c) => ms(c.med((r) => r.cpu[p] ?? 0)))]),
    [
      "total CPU ms",
      ...cols.map((c) => ms(c.med((r) => Object.values(r.cpu).reduce((a, b) => a + b, 0)))),
    ],
    ["wall ms x 2 cores", ...cols.map((c) => ms(2 * wall(c)))],
  ]);
}

export function enrollCpuTable(sizes: SizeResult[]) {
  const procs = ["agents", "bench", "workers", "broker", "postgres", "redis"];
  return table([
    ["enrollment CPU ms per device", ...sizes.map((s) => s.n.toLocaleString("en"))],
    ...procs.map((p) => [
      p === "bench" ? "bench (enrollment endpoint)" : p === "agents" ? "agents (keys, CSRs)" : p,
      ...sizes.map((s) => ((s.enrollCpu[p] ?? 0) / s.n).toFixed(2)),
    ]),
    ["wall ms per device", ...sizes.map((s) => (s.enrollMs / s.n).toFixed(2))],
  ]);
}
