"use client";

import { useQuery } from "@tanstack/react-query";
import { Alert, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { CHART_WINDOWS, type ChartWindow, formatRate, joinLines } from "../../../_charts/shape";
import { type ChartLine, TimeChart } from "../../../_charts/time-chart";
import { appClassLabel, fromBits, TopList } from "../../../_charts/top-list";
import { useChartWindow, WINDOW_OPTIONS } from "../../../_charts/use-chart-window";
import { ChartCardHeader } from "../../../_charts/window-picker";
import { PacketsCard } from "./packets-card";

const CLASS_COLORS = ["#1d5fd6", "#0f766e", "#7c3aed", "#b45309", "#be185d"];
const TOP_CLASSES = 5;

/**
 * Throughput sums several devices' rates per step: minutes at least, since agents report
 * every ~30 s (raw 10 s steps would hold one device's report and not the other's).
 */
const throughputResolution = (w: ChartWindow) =>
  CHART_WINDOWS[w].ms <= 86_400_000 ? "1m" : "auto";

/** The site's WAN throughput, its application classes and its devices over a window. */
export function TrafficView({ orgSlug, siteId }: { orgSlug: string; siteId: string }) {
  const trpc = useTRPC();
  const w = useChartWindow("24h");
  const label = CHART_WINDOWS[w.window].label.toLowerCase();
  const keep = { placeholderData: <T,>(prev: T) => prev };
  const site = { orgSlug, kind: "site", id: siteId, from: w.from, to: w.to } as const;
  const resolution = throughputResolution(w.window);
  const rx = useQuery(
    trpc.series.query.queryOptions({ ...site, metric: "rx_bits_per_second", resolution }, keep),
  );
  const tx = useQuery(
    trpc.series.query.queryOptions({ ...site, metric: "tx_bits_per_second", resolution }, keep),
  );
  const top = { orgSlug, siteId, from: w.from, to: w.to } as const;
  const classes = useQuery(
    trpc.series.top.queryOptions({ ...top, by: "class", limit: TOP_CLASSES, view: "points" }, keep),
  );
  const devices = useQuery(trpc.series.top.queryOptions({ ...top, by: "device", limit: 10 }, keep));

  const step = (rx.data?.stepSeconds ?? 60) * 1000;
  const throughputRows = joinLines(
    {
      rx: (rx.data?.lines[0]?.points ?? []).map((p) => ({ at: p.at, value: p.avg })),
      tx: (tx.data?.lines[0]?.points ?? []).map((p) => ({ at: p.at, value: p.avg })),
    },
    step,
  );
  const throughputLines: ChartLine[] = [
    { key: "rx", name: "In (rx)", color: "#1d5fd6", format: formatRate, shape: "area" },
    { key: "tx", name: "Out (tx)", color: "#0f766e", format: formatRate, shape: "area" },
  ];

  const classItems = classes.data?.items ?? [];
  const classRows = joinLines(
    Object.fromEntries(
      classItems.map((c, i) => [`c${i}`, c.points.map((p) => ({ at: p.at, value: p.rx + p.tx }))]),
    ),
    (classes.data?.stepSeconds ?? 60) * 1000,
  );
  const classLines: ChartLine[] = classItems.map((c, i) => ({
    key: `c${i}`,
    name: appClassLabel(c.name),
    color: CLASS_COLORS[i % CLASS_COLORS.length] as string,
    format: formatRate,
  }));
  const error = rx.error ?? tx.error ?? classes.error ?? devices.error;

  return (
    <div className="space-y-6" data-testid="site-traffic">
      <Card>
        <ChartCardHeader
          title="WAN traffic"
          legend="Traffic window"
          value={w.window}
          options={WINDOW_OPTIONS}
          onChange={w.setWindow}
        />
        {error && <Alert>{error.message}</Alert>}
        <TimeChart
          testId="site-throughput-chart"
          title={`Throughput, ${label}`}
          describe={`The site's WAN bits per second in and out, all its devices together, ${label}`}
          rows={throughputRows}
          lines={throughputLines}
          from={w.from}
          to={w.to}
          leftFormat={formatRate}
          empty="No traffic reported in this window."
          loading={rx.isPending || tx.isPending}
        />
      </Card>
      <Card>
        <h2 className="mb-3 font-semibold">Applications</h2>
        <div className="grid gap-6 lg:grid-cols-3">
          <div className="min-w-0 lg:col-span-2">
            <TimeChart
              testId="site-classes-chart"
              title={`Top ${TOP_CLASSES} application classes, ${label}`}
              describe={`Bits per second (in and out) of the site's busiest application classes, ${label}`}
              rows={classRows}
              lines={classLines}
              from={w.from}
              to={w.to}
              leftFormat={formatRate}
              empty="No traffic by application class in this window."
              loading={classes.isPending}
            />
          </div>
          <div>
            <h3 className="mb-2 text-sm font-semibold text-fg">By traffic, {label}</h3>
            {classItems.length > 0 ? (
              <TopList
                label={`Bytes per application class, ${label}`}
                items={classItems.map(fromBits)}
                testId="site-top-classes"
                nameOf={(c) => appClassLabel(c.name)}
              />
            ) : (
              <p className="text-sm text-fg-muted">
                {classes.isPending ? "Loading…" : "No traffic by application class."}
              </p>
            )}
          </div>
        </div>
      </Card>
      <PacketsCard
        orgSlug={orgSlug}
        siteId={siteId}
        from={w.from}
        to={w.to}
        label={label}
        resolution={resolution}
      />
      <Card>
        <h2 className="mb-3 font-semibold">Top talkers: devices, {label}</h2>
        {(devices.data?.items.length ?? 0) > 0 ? (
          <TopList
            label={`Bytes per device, ${label}`}
            items={(devices.data?.items ?? []).map(fromBits)}
            testId="site-top-devices"
          />
        ) : (
          <p className="text-sm text-fg-muted">
            {devices.isPending ? "Loading…" : "No device reported traffic in this window."}
          </p>
        )}
      </Card>
    </div>
  );
}
