// Pure: how a path measures up to an SLA, in words, and how candidates rank (used by
// select.ts). Reasons name the metric and the bound: "latency 212 ms > 150 ms".
import type { SelectPath } from "./select";
import type { Sla } from "./types";

/** Loss penalty of the best-effort score: 1 % loss weighs like 20 ms more latency. */
export const LOSS_PENALTY_MS = 20;

const round = (n: number) => (n < 10 ? Math.round(n * 10) / 10 : Math.round(n));
export const fmtMs = (n: number) => `${round(n)} ms`;
export const fmtPct = (n: number) => `${round(n)} %`;
export const fmtDuration = (ms: number) =>
  ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`;

/** Why `p` does not serve `sla`, in words; null when it does. */
export function violation(p: SelectPath | undefined, sla: Sla | undefined): string | null {
  if (!p) return "path removed";
  if (p.state === "down") return p.downReason ?? "path down";
  if (p.state === "unknown") return "no probe answered yet";
  if (!sla) return null;
  const { latencyMs, jitterMs, lossPct } = p.metrics;
  if (latencyMs === null || jitterMs === null || lossPct === null) return "no measurements yet";
  const out: string[] = [];
  if (latencyMs > sla.maxLatencyMs)
    out.push(`latency ${fmtMs(latencyMs)} > ${fmtMs(sla.maxLatencyMs)}`);
  if (jitterMs > sla.maxJitterMs) out.push(`jitter ${fmtMs(jitterMs)} > ${fmtMs(sla.maxJitterMs)}`);
  if (lossPct > sla.maxLossPct) out.push(`loss ${fmtPct(lossPct)} > ${fmtPct(sla.maxLossPct)}`);
  return out.length ? out.join("; ") : null;
}

export const score = (p: SelectPath) =>
  (p.metrics.latencyMs ?? Number.POSITIVE_INFINITY) + LOSS_PENALTY_MS * (p.metrics.lossPct ?? 0);

/** Preferred paths in their order, then the rest by cost, then id. */
export function rankCandidates(
  paths: readonly SelectPath[],
  preferred: readonly string[],
): SelectPath[] {
  const pos = new Map(preferred.map((id, i) => [id, i]));
  return [...paths].sort((a, b) => {
    const pa = pos.get(a.id) ?? Number.POSITIVE_INFINITY;
    const pb = pos.get(b.id) ?? Number.POSITIVE_INFINITY;
    if (pa !== pb) return pa - pb;
    return a.cost - b.cost || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
}
