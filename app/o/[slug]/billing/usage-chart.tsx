"use client";

import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { Alert, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { formatBytes } from "./format";

const DAYS = 30;

/** Daily data transfer of the last 30 days (UTC days, as the meter counts them). */
export function UsageChart({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const summaryId = useId();
  const usage = useQuery(trpc.billing.usage.queryOptions({ orgSlug, days: DAYS }));
  const points = usage.data ?? [];
  const total = points.reduce((n, p) => n + p.bytes, 0);
  const peak = points.reduce((best, p) => (p.bytes > (best?.bytes ?? -1) ? p : best), points[0]);
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Data transfer, last {DAYS} days</h2>
      {usage.error && <Alert>{usage.error.message}</Alert>}
      <figure data-testid="usage-chart" aria-describedby={summaryId}>
        {total === 0 ? (
          <p className="py-8 text-center text-sm text-slate-600">
            {usage.isPending ? "Loading…" : "No data transfer recorded yet."}
          </p>
        ) : (
          <BarChart
            responsive
            style={{ width: "100%", height: 220 }}
            data={points}
            margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
          >
            <CartesianGrid stroke="var(--color-line)" strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="day"
              tickFormatter={(d: string) => d.slice(5)}
              stroke="var(--color-fg-subtle)"
              fontSize={12}
              minTickGap={16}
            />
            <YAxis
              tickFormatter={(b: number) => formatBytes(b)}
              stroke="var(--color-fg-subtle)"
              fontSize={12}
              width={72}
            />
            <Tooltip formatter={(b) => formatBytes(Number(b))} labelFormatter={(d) => String(d)} />
            <Bar dataKey="bytes" name="Data transfer" fill="#1d5fd6" isAnimationActive={false} />
          </BarChart>
        )}
        <figcaption id={summaryId} className="mt-2 text-xs text-slate-600">
          {total > 0 &&
            `${formatBytes(total)} in ${DAYS} days${peak && peak.bytes > 0 ? `; busiest day ${peak.day} with ${formatBytes(peak.bytes)}` : ""}.`}
        </figcaption>
      </figure>
    </Card>
  );
}
