"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import { Alert, Card, Select } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { fmtMs, fmtPct } from "../../../_overlay/health";
import { pathLabel, type SitePath } from "./path-label";
import { PathSelect, usePathChoice } from "./path-select";

const WINDOWS = [15, 60] as const;

/** Whole minutes (every 1 or 5) across the data: no repeated labels on the time axis. */
function minuteTicks(points: { t: number }[], minutes: number) {
  const first = points[0]?.t;
  const last = points.at(-1)?.t;
  if (first === undefined || last === undefined) return undefined;
  const step = (minutes > 15 ? 5 : 1) * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(first / step) * step; t <= last; t += step) ticks.push(t);
  return ticks;
}

const hhmm = (t: number) => {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}`;
};

/** Latency, jitter and loss of one path over the last 15 or 60 minutes, live (5 s). */
export function PathChart({
  orgSlug,
  siteId,
  paths,
}: {
  orgSlug: string;
  siteId: string;
  paths: SitePath[];
}) {
  const trpc = useTRPC();
  const summaryId = useId();
  const { pathId, path, setChosen } = usePathChoice(paths);
  const [minutes, setMinutes] = useState<(typeof WINDOWS)[number]>(15);
  const series = useQuery(
    trpc.overlay.pathSeries.queryOptions(
      { orgSlug, siteId, pathId: pathId ?? "", minutes },
      { enabled: !!pathId, refetchInterval: 5_000, placeholderData: (prev) => prev },
    ),
  );
  const points =
    series.data && series.data.pathId === pathId
      ? series.data.points.map((p) => ({ ...p, t: Date.parse(p.at) }))
      : [];
  const stats = summarize(points);

  return (
    <Card>
      <h2 className="mb-3 font-semibold">Path history</h2>
      {paths.length === 0 && <p className="text-sm text-slate-600">No paths to chart yet.</p>}
      {path && (
        <>
          <div className="mb-3 grid gap-3 sm:grid-cols-[2fr_1fr]">
            <PathSelect id="chart-path" paths={paths} value={pathId} onChange={setChosen} />
            <Select
              id="chart-minutes"
              label="Window"
              value={String(minutes)}
              onChange={(e) => setMinutes(Number(e.target.value) as (typeof WINDOWS)[number])}
            >
              {WINDOWS.map((m) => (
                <option key={m} value={m}>
                  Last {m} minutes
                </option>
              ))}
            </Select>
          </div>
          {series.error && <Alert>{series.error.message}</Alert>}
          <figure data-testid="path-chart" data-path-id={pathId} aria-describedby={summaryId}>
            {points.length === 0 ? (
              <p className="py-8 text-center text-sm text-slate-600">
                {series.isPending ? "Loading…" : "No measurements in this window."}
              </p>
            ) : (
              <LineChart
                responsive
                style={{ width: "100%", height: 260 }}
                data={points}
                margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
              >
                <CartesianGrid stroke="var(--color-line)" strokeDasharray="3 3" />
                <XAxis
                  dataKey="t"
                  type="number"
                  scale="time"
                  domain={["dataMin", "dataMax"]}
                  ticks={minuteTicks(points, minutes)}
                  tickFormatter={hhmm}
                  stroke="var(--color-fg-subtle)"
                  fontSize={12}
                />
                <YAxis
                  yAxisId="ms"
                  stroke="var(--color-fg-subtle)"
                  fontSize={12}
                  unit=" ms"
                  width={64}
                />
                <YAxis
                  yAxisId="pct"
                  orientation="right"
                  stroke="var(--color-fg-subtle)"
                  fontSize={12}
                  unit=" %"
                  width={48}
                  domain={[0, (max: number) => Math.max(5, Math.ceil(max))]}
                />
                <Tooltip
                  labelFormatter={(t) => new Date(Number(t)).toLocaleTimeString()}
                  formatter={(value, name) =>
                    name === "Loss" ? fmtPct(Number(value)) : fmtMs(Number(value))
                  }
                />
                <Legend />
                <Line
                  yAxisId="ms"
                  dataKey="latencyMs"
                  name="Latency"
                  stroke="#1d5fd6"
                  dot={false}
                  isAnimationActive={false}
                />
                <Line
                  yAxisId="ms"
                  dataKey="jitterMs"
                  name="Jitter"
                  stroke="#7c3aed"
                  strokeDasharray="4 2"
                  dot={false}
                  isAnimationActive={false}
                />
                <Line
                  yAxisId="pct"
                  dataKey="lossPct"
                  name="Loss"
                  stroke="#dc2626"
                  dot={false}
                  isAnimationActive={false}
                />
              </LineChart>
            )}
            <figcaption id={summaryId} className="mt-2 text-xs text-slate-600">
              {pathLabel(path)}, last {minutes} minutes
              {stats &&
                `: latency ${fmtMs(stats.latency.min)} to ${fmtMs(stats.latency.max)} (mean ${fmtMs(
                  stats.latency.mean,
                )}), jitter up to ${fmtMs(stats.jitterMax)}, loss up to ${fmtPct(stats.lossMax)}, down in ${stats.down} of ${stats.n} samples.`}
            </figcaption>
          </figure>
        </>
      )}
    </Card>
  );
}

/** The chart in words, for screen readers and for a glance. */
function summarize(
  points: {
    latencyMs: number | null;
    jitterMs: number | null;
    lossPct: number | null;
    up: boolean;
  }[],
) {
  const lat = points.map((p) => p.latencyMs).filter((v): v is number => v !== null);
  if (points.length === 0) return null;
  const max = (vs: (number | null)[]) =>
    vs.reduce<number | null>((m, v) => (v === null ? m : m === null ? v : Math.max(m, v)), null);
  return {
    n: points.length,
    down: points.filter((p) => !p.up).length,
    latency: {
      min: lat.length ? Math.min(...lat) : null,
      max: lat.length ? Math.max(...lat) : null,
      mean: lat.length ? lat.reduce((a, b) => a + b, 0) / lat.length : null,
    },
    jitterMax: max(points.map((p) => p.jitterMs)),
    lossMax: max(points.map((p) => p.lossPct)),
  };
}
