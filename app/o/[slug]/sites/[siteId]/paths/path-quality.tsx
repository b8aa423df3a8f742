"use client";

import { useQueries, useQuery } from "@tanstack/react-query";
import { Alert, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { CHART_WINDOWS, incidentMarkers, joinLines } from "../../../_charts/shape";
import { type ChartLine, TimeChart } from "../../../_charts/time-chart";
import { useChartWindow, WINDOW_OPTIONS } from "../../../_charts/use-chart-window";
import { ChartCardHeader } from "../../../_charts/window-picker";
import { fmtMos, fmtMs, fmtPct } from "../../../_overlay/health";
import { pathLabel, type SitePath } from "./path-label";
import { PathSelect, usePathChoice } from "./path-select";

const METRICS = ["latency_ms", "jitter_ms", "loss_percent", "mos"] as const;
/** The newest incidents of the site read for markers: enough for 30 days of a noisy site. */
const INCIDENTS = 200;

const QUALITY: ChartLine[] = [
  { key: "latency_ms", name: "Latency", color: "#1d5fd6", format: fmtMs },
  { key: "jitter_ms", name: "Jitter", color: "#7c3aed", format: fmtMs, dashed: true },
  { key: "loss_percent", name: "Loss", color: "#dc2626", format: fmtPct, right: true },
];
const MOS: ChartLine[] = [{ key: "mos", name: "MOS", color: "#0f766e", format: fmtMos }];

/**
 * A path's latency, jitter, loss and MOS over hours to a month (the tenant time series),
 * with the site's incidents as shaded spans that link to them.
 */
export function PathQuality({
  orgSlug,
  siteId,
  paths,
  canReadIncidents,
}: {
  orgSlug: string;
  siteId: string;
  paths: SitePath[];
  canReadIncidents: boolean;
}) {
  const trpc = useTRPC();
  const w = useChartWindow("24h");
  const { pathId, path, setChosen } = usePathChoice(paths);
  const label = CHART_WINDOWS[w.window].label.toLowerCase();
  const results = useQueries({
    queries: METRICS.map((metric) =>
      trpc.series.query.queryOptions(
        { orgSlug, kind: "path", id: pathId ?? "", metric, from: w.from, to: w.to },
        { enabled: !!pathId, placeholderData: (prev) => prev },
      ),
    ),
  });
  const incidents = useQuery(
    trpc.incidents.list.queryOptions(
      { orgSlug, siteId, limit: INCIDENTS, order: "desc" },
      { enabled: canReadIncidents, refetchInterval: 60_000 },
    ),
  );
  // A path that never reported has no series yet: NOT_FOUND is "no data" here.
  const failed = results.find((r) => r.error && r.error.data?.code !== "NOT_FOUND")?.error;
  const lines = Object.fromEntries(
    METRICS.map((m, i) => {
      const data = results[i]?.data;
      const points = data && data.id === pathId ? (data.lines[0]?.points ?? []) : [];
      return [m, points.map((p) => ({ at: p.at, value: p.avg }))];
    }),
  );
  const step = (results[0]?.data?.stepSeconds ?? 60) * 1000;
  const rows = joinLines(lines, step);
  const markers = incidentMarkers(
    incidents.data?.items ?? [],
    w.from.getTime(),
    w.to.getTime(),
    w.now,
  );
  const loading = results.some((r) => r.isPending && r.fetchStatus !== "idle");
  const common = {
    rows,
    from: w.from,
    to: w.to,
    markers,
    markerHref: (m: { id: string }) => `/o/${orgSlug}/incidents/${m.id}`,
    empty: "No measurements of this path in this window.",
    loading,
  };

  return (
    <Card>
      <ChartCardHeader
        title="Path quality over time"
        legend="Path quality window"
        value={w.window}
        options={WINDOW_OPTIONS}
        onChange={w.setWindow}
      />
      {paths.length === 0 && <p className="text-sm text-fg-subtle">No paths to chart yet.</p>}
      {path && (
        <div className="space-y-4">
          <PathSelect id="quality-path" paths={paths} value={pathId} onChange={setChosen} />
          {failed && <Alert>{failed.message}</Alert>}
          {incidents.error && <Alert>{incidents.error.message}</Alert>}
          <TimeChart
            {...common}
            testId="path-quality-chart"
            title={`Latency, jitter and loss, ${label}`}
            describe={`${pathLabel(path)}: round-trip latency and jitter (left axis), loss (right axis), ${label}`}
            lines={QUALITY}
            leftFormat={(v) => `${v} ms`}
            rightFormat={(v) => `${v} %`}
          />
          <TimeChart
            {...common}
            testId="path-mos-chart"
            title={`MOS, ${label}`}
            describe={`${pathLabel(path)}: mean opinion score (1 to 5), ${label}`}
            lines={MOS}
            listMarkers={false}
            leftFormat={(v) => v.toFixed(1)}
            height={160}
          />
        </div>
      )}
    </Card>
  );
}
