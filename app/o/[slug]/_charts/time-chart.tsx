"use client";

import { useId } from "react";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceArea,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { Link } from "@/app/_components/link";
import { type ChartRow, evenTicks, type IncidentMarker, summarize, timeTick } from "./shape";

export interface ChartLine {
  key: string;
  name: string;
  color: string;
  format: (v: number) => string;
  /** An area (filled) or a line; areas of one `stack` pile up. */
  shape?: "area" | "line";
  stack?: string;
  dashed?: boolean;
  /** The right axis (a second unit); the left one by default. */
  right?: boolean;
}

const SEVERITY_FILL: Record<string, string> = {
  critical: "#dc2626",
  warning: "#d97706",
  info: "#64748b",
};

/**
 * One chart over time in a <figure>: its heading, the chart (or why there is none), a
 * caption with each line's figures in words, the same figures in a visually hidden table,
 * and the incidents it marks as links. Recharts sets only style attributes, which the CSP
 * allows (style-src-attr); nothing here injects a <style> element.
 */
export function TimeChart({
  testId,
  title,
  describe,
  rows,
  lines,
  from,
  to,
  leftFormat,
  rightFormat,
  markers = [],
  markerHref,
  listMarkers = true,
  empty,
  loading,
  height = 240,
}: {
  testId: string;
  title: string;
  /** What the chart shows, as the caption's first words ("Site WAN throughput, last hour"). */
  describe: string;
  rows: ChartRow[];
  lines: ChartLine[];
  from: Date;
  to: Date;
  leftFormat: (v: number) => string;
  rightFormat?: (v: number) => string;
  markers?: IncidentMarker[];
  markerHref?: (m: IncidentMarker) => string;
  /** Lists the marked incidents under the chart (off for a second chart of the same window). */
  listMarkers?: boolean;
  empty: string;
  loading: boolean;
  height?: number;
}) {
  const titleId = useId();
  const captionId = useId();
  const tick = timeTick(to.getTime() - from.getTime());
  const figures = lines.map((l) => ({ line: l, s: summarize(rows, l.key) }));
  const hasData = figures.some((f) => f.s !== null);
  return (
    <figure
      data-testid={testId}
      data-points={rows.length}
      data-markers={markers.length}
      aria-labelledby={titleId}
      aria-describedby={captionId}
      className="min-w-0"
    >
      <h3 id={titleId} className="mb-2 text-sm font-semibold text-fg">
        {title}
      </h3>
      {!hasData ? (
        <p className="py-8 text-center text-sm text-fg-subtle" data-testid={`${testId}-empty`}>
          {loading ? "Loading…" : empty}
        </p>
      ) : (
        <ComposedChart
          responsive
          style={{ width: "100%", height }}
          data={rows}
          margin={{ top: 16, right: 8, bottom: 0, left: 0 }}
        >
          <CartesianGrid stroke="var(--color-line)" strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[from.getTime(), to.getTime()]}
            ticks={evenTicks(from.getTime(), to.getTime())}
            tickFormatter={tick}
            stroke="var(--color-fg-subtle)"
            fontSize={12}
            minTickGap={16}
          />
          <YAxis
            yAxisId="left"
            tickFormatter={leftFormat}
            stroke="var(--color-fg-subtle)"
            fontSize={12}
            width={96}
          />
          {rightFormat && (
            <YAxis
              yAxisId="right"
              orientation="right"
              tickFormatter={rightFormat}
              stroke="var(--color-fg-subtle)"
              fontSize={12}
              width={56}
            />
          )}
          <Tooltip
            labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
            formatter={(value, _name, item) => {
              const line = lines.find((l) => l.key === item.dataKey);
              return line ? line.format(Number(value)) : String(value);
            }}
          />
          <Legend />
          {markers.map((m) => (
            <ReferenceArea
              key={m.id}
              yAxisId="left"
              x1={m.x1}
              x2={m.x2}
              fill={SEVERITY_FILL[m.severity] ?? SEVERITY_FILL.info}
              fillOpacity={0.12}
              stroke={SEVERITY_FILL[m.severity] ?? SEVERITY_FILL.info}
              strokeOpacity={0.6}
              ifOverflow="hidden"
              label={(props: { viewBox?: { x?: number; y?: number } }) => (
                <MarkerLabel
                  x={props.viewBox?.x ?? 0}
                  y={props.viewBox?.y ?? 0}
                  marker={m}
                  href={markerHref?.(m)}
                />
              )}
            />
          ))}
          {lines.map((l) => {
            const series = {
              yAxisId: l.right ? "right" : "left",
              dataKey: l.key,
              name: l.name,
              stroke: l.color,
              connectNulls: false,
              isAnimationActive: false,
            };
            return l.shape === "area" ? (
              <Area key={l.key} {...series} fill={l.color} fillOpacity={0.2} stackId={l.stack} />
            ) : (
              <Line
                key={l.key}
                {...series}
                strokeDasharray={l.dashed ? "4 2" : undefined}
                dot={false}
              />
            );
          })}
        </ComposedChart>
      )}
      <figcaption id={captionId} className="mt-2 text-xs text-fg-subtle">
        {describe}
        {hasData
          ? `: ${figures
              .filter((f) => f.s)
              .map(
                ({ line, s }) =>
                  `${line.name} latest ${line.format(s!.latest)}, mean ${line.format(s!.mean)}, peak ${line.format(s!.max)}`,
              )
              .join("; ")}.`
          : "."}
        {markers.length > 0 &&
          ` ${markers.length} incident${markers.length === 1 ? "" : "s"} in this window${listMarkers ? " (listed below)" : ""}.`}
      </figcaption>
      {hasData && (
        <table className="sr-only">
          <caption>{title}: figures over the window</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Latest</th>
              <th scope="col">Mean</th>
              <th scope="col">Lowest</th>
              <th scope="col">Peak</th>
            </tr>
          </thead>
          <tbody>
            {figures.map(({ line, s }) => (
              <tr key={line.key}>
                <th scope="row">{line.name}</th>
                {s ? (
                  [s.latest, s.mean, s.min, s.max].map((v, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns
                    <td key={i}>{line.format(v)}</td>
                  ))
                ) : (
                  <td colSpan={4}>no data</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {listMarkers && markers.length > 0 && (
        <ul aria-label={`Incidents in ${title.toLowerCase()}`} className="mt-2 space-y-1 text-xs">
          {markers.map((m) => (
            <li key={m.id} data-testid="chart-incident" data-incident-id={m.id}>
              <span className="text-fg-subtle">{m.severity}: </span>
              {markerHref ? (
                <Link href={markerHref(m)} className="text-link underline">
                  #{m.number} {m.title}
                </Link>
              ) : (
                `#${m.number} ${m.title}`
              )}
              <span className="text-fg-subtle">
                {" "}
                ({new Date(m.x1).toLocaleString()} to{" "}
                {m.ongoing ? "now" : new Date(m.x2).toLocaleString()})
              </span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

/** An incident's number at the top of its span; a link to the incident when it has one. */
function MarkerLabel({
  x,
  y,
  marker,
  href,
}: {
  x: number;
  y: number;
  marker: IncidentMarker;
  href?: string;
}) {
  const text = (
    <text x={x + 3} y={y - 4} fontSize={11} fill="var(--color-fg-muted)">
      <title>{`Incident #${marker.number}: ${marker.title}`}</title>#{marker.number}
    </text>
  );
  return href ? <a href={href}>{text}</a> : text;
}
