"use client";

import { useId } from "react";
import { Area, AreaChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { formatBytes } from "../billing/format";
import { AppsTile } from "./apps-tile";
import { Figure, Tile } from "./tile";
import type { Overview } from "./types";

const hourLabel = (t: number) => `${String(new Date(t).getHours()).padStart(2, "0")}:00`;

/** Throughput in and out over the window, per hour, and the top applications. */
export function ThroughputTile({ orgSlug, data }: { orgSlug: string; data: Overview }) {
  const summaryId = useId();
  const t = data.throughput;
  const points = t.series.map((p) => ({ at: p.at.getTime(), in: p.inBytes, out: p.outBytes }));
  const label = t.window === "1h" ? "last hour" : "last day";
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <div className="lg:col-span-2">
        <Tile
          title={`Throughput, ${label}`}
          href={`/o/${orgSlug}/topology`}
          testId="tile-throughput"
        >
          <div className="flex flex-wrap gap-x-6">
            <Figure value={formatBytes(t.inBytes)} label="in" testId="throughput-in" />
            <Figure value={formatBytes(t.outBytes)} label="out" testId="throughput-out" />
          </div>
          <figure aria-describedby={summaryId} className="mt-2">
            <AreaChart
              responsive
              style={{ width: "100%", height: 160 }}
              data={points}
              margin={{ top: 4, right: 8, bottom: 0, left: 0 }}
            >
              <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
              <XAxis
                dataKey="at"
                tickFormatter={hourLabel}
                stroke="#475569"
                fontSize={12}
                minTickGap={24}
              />
              <YAxis
                tickFormatter={(b: number) => formatBytes(b)}
                stroke="#475569"
                fontSize={12}
                width={64}
              />
              <Tooltip
                formatter={(b) => formatBytes(Number(b))}
                labelFormatter={(l) => hourLabel(Number(l))}
              />
              <Area
                dataKey="in"
                name="In"
                stroke="#1d5fd6"
                fill="#1d5fd6"
                fillOpacity={0.2}
                isAnimationActive={false}
              />
              <Area
                dataKey="out"
                name="Out"
                stroke="#0f766e"
                fill="#0f766e"
                fillOpacity={0.2}
                isAnimationActive={false}
              />
            </AreaChart>
            <figcaption id={summaryId} className="text-xs text-slate-600">
              WAN bytes per hour as the agents report them: {formatBytes(t.inBytes)} in,{" "}
              {formatBytes(t.outBytes)} out.
            </figcaption>
          </figure>
        </Tile>
      </div>
      <AppsTile orgSlug={orgSlug} apps={data.applications} />
    </div>
  );
}
