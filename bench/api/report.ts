// The API benchmark's figures: the step table per endpoint (REST and tRPC side by side),
// the best step of each workload (the highest throughput whose p99 stays within the
// limit, with no error), and the REST/tRPC ratios.
import { table } from "../dataplane/stats";
import { errorCount, type WrkResult } from "./wrk";

export const ENDPOINTS = ["list", "get"] as const;
export const SIDES = ["rest", "trpc"] as const;
export type Endpoint = (typeof ENDPOINTS)[number];
export type Side = (typeof SIDES)[number];
export type Workload = `${Side}-${Endpoint}`;
export const WORKLOADS: Workload[] = ["rest-list", "trpc-list", "rest-get", "trpc-get"];

export interface Step extends WrkResult {
  /** One-minute load average of the machine when the step ended. */
  load1: number;
  /** CPU time of this process (the server) per answered request, ms. */
  cpuMsPerReq: number;
  /** Event-loop utilisation of this process during the step (1 = never idle). */
  elu: number;
  /** Database transactions per request (pg_stat_database of the bench database). */
  txPerReq: number | null;
  failed: boolean;
}

export interface Best {
  connections: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

/** The highest-throughput step without errors whose p99 ≤ limit, or null when none is. */
export function bestStep(steps: Step[], p99LimitMs: number): Best | null {
  const ok = steps.filter((s) => !s.failed && s.p99Ms <= p99LimitMs);
  if (!ok.length) return null;
  const b = ok.reduce((a, s) => (s.rps > a.rps ? s : a));
  return { connections: b.connections, rps: b.rps, p50Ms: b.p50Ms, p99Ms: b.p99Ms };
}

export const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? a / b : null;

const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);
const rx = (n: number | null) => (n === null ? "-" : `${n.toFixed(2)}x`);
const ms = (n: number) => (n < 10 ? f2(n) : f1(n));

export function failureOf(s: WrkResult): string {
  const e = s.errors;
  const parts = [
    e.non200 && `${e.non200} not 200 (first: ${s.firstNon200})`,
    e.timeout && `${e.timeout} timeouts`,
    e.connect + e.read + e.write && `${e.connect + e.read + e.write} socket errors`,
  ].filter(Boolean);
  return parts.join(", ");
}

export const stepFailed = (s: WrkResult) => errorCount(s) > 0;

/** The summary: per endpoint, each side's best step and the REST/tRPC ratios. */
export function summaryTable(best: Record<Workload, Best | null>): string {
  const head = [
    "endpoint",
    "REST conns",
    "req/s",
    "p50 ms",
    "p99 ms",
    "tRPC conns",
    "req/s",
    "p50 ms",
    "p99 ms",
    "REST/tRPC req/s",
    "p50",
  ];
  const rows: string[][] = [head];
  for (const e of ENDPOINTS) {
    const r = best[`rest-${e}`];
    const t = best[`trpc-${e}`];
    const side = (b: Best | null) =>
      b ? [String(b.connections), f1(b.rps), ms(b.p50Ms), ms(b.p99Ms)] : ["none", "-", "-", "-"];
    rows.push([
      e,
      ...side(r),
      ...side(t),
      rx(ratio(r?.rps, t?.rps)),
      rx(ratio(r?.p50Ms, t?.p50Ms)),
    ]);
  }
  return table(rows);
}

/** Every step of one endpoint, both sides on one line per connection count. */
export function stepTable(
  endpoint: Endpoint,
  steps: Record<Workload, Step[]>,
  p99LimitMs: number,
): string {
  const rest = steps[`rest-${endpoint}`];
  const trpc = steps[`trpc-${endpoint}`];
  const conns = [...new Set([...rest, ...trpc].map((s) => s.connections))].sort((a, b) => a - b);
  const side = (name: string) => [`${name} req/s`, "p50", "p99", "max", "cpu", "elu", "tx", ""];
  const rows: string[][] = [
    ["conns", ...side("REST"), ...side("tRPC"), "REST/tRPC req/s", "p50", "load"],
  ];
  const mark = (s: Step | undefined) =>
    !s ? "" : s.failed ? "FAILED" : s.p99Ms > p99LimitMs ? `>${p99LimitMs}` : "ok";
  const cells = (s: Step | undefined) =>
    s
      ? [
          f1(s.rps),
          ms(s.p50Ms),
          ms(s.p99Ms),
          ms(s.maxMs),
          f2(s.cpuMsPerReq),
          f2(s.elu),
          s.txPerReq === null ? "-" : f1(s.txPerReq),
          mark(s),
        ]
      : ["-", "-", "-", "-", "-", "-", "-", ""];
  for (const c of conns) {
    const r = rest.find((s) => s.connections === c);
    const t = trpc.find((s) => s.connections === c);
    const load = Math.max(r?.load1 ?? 0, t?.load1 ?? 0);
    rows.push([
      String(c),
      ...cells(r),
      ...cells(t),
      rx(ratio(r?.rps, t?.rps)),
      rx(ratio(r?.p50Ms, t?.p50Ms)),
      load.toFixed(1),
    ]);
  }
  return table(rows);
}
