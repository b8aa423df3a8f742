"use client";

import { useQuery } from "@tanstack/react-query";
import { Alert, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { dropReasonLabel, formatPacketRate, joinLines } from "../../../_charts/shape";
import { type ChartLine, TimeChart } from "../../../_charts/time-chart";

const DROP_COLORS = ["#dc2626", "#d97706", "#7c3aed", "#be185d", "#64748b", "#0e7490"];

/**
 * The site's data plane: packets in and out of the WAN, and what it dropped by reason
 * (agents report rates each heartbeat on telemetry/dataplane; boxes without the eBPF
 * data plane report none).
 */
export function PacketsCard({
  orgSlug,
  siteId,
  from,
  to,
  label,
  resolution,
}: {
  orgSlug: string;
  siteId: string;
  from: Date;
  to: Date;
  label: string;
  resolution: "auto" | "1m";
}) {
  const trpc = useTRPC();
  const keep = { placeholderData: <T,>(prev: T) => prev };
  const site = { orgSlug, kind: "site", id: siteId, from, to, resolution } as const;
  const rx = useQuery(
    trpc.series.query.queryOptions({ ...site, metric: "rx_packets_per_second" }, keep),
  );
  const tx = useQuery(
    trpc.series.query.queryOptions({ ...site, metric: "tx_packets_per_second" }, keep),
  );
  const drops = useQuery(
    trpc.series.query.queryOptions({ ...site, metric: "drops_per_second" }, keep),
  );
  const step = (rx.data?.stepSeconds ?? drops.data?.stepSeconds ?? 60) * 1000;
  const avg = (points: { at: Date; avg: number }[] = []) =>
    points.map((p) => ({ at: p.at, value: p.avg }));

  const packetRows = joinLines(
    { rx: avg(rx.data?.lines[0]?.points), tx: avg(tx.data?.lines[0]?.points) },
    step,
  );
  const packetLines: ChartLine[] = [
    { key: "rx", name: "In (rx)", color: "#1d5fd6", format: formatPacketRate, shape: "area" },
    { key: "tx", name: "Out (tx)", color: "#0f766e", format: formatPacketRate, shape: "area" },
  ];
  // One line per reason, the most dropped first.
  const reasons = [...(drops.data?.lines ?? [])]
    .map((l) => ({
      reason: l.labels.reason ?? "unknown",
      points: l.points,
      total: l.points.reduce((n, p) => n + p.avg, 0),
    }))
    .sort((a, b) => b.total - a.total);
  const dropRows = joinLines(
    Object.fromEntries(reasons.map((r, i) => [`d${i}`, avg(r.points)])),
    (drops.data?.stepSeconds ?? 60) * 1000,
  );
  const dropLines: ChartLine[] = reasons.map((r, i) => ({
    key: `d${i}`,
    name: dropReasonLabel(r.reason),
    color: DROP_COLORS[i % DROP_COLORS.length] as string,
    format: formatPacketRate,
  }));
  const error = rx.error ?? tx.error ?? drops.error;

  return (
    <Card>
      <h2 className="mb-3 font-semibold">Packets and drops</h2>
      {error && <Alert>{error.message}</Alert>}
      <div className="grid gap-6 lg:grid-cols-2">
        <div className="min-w-0">
          <TimeChart
            testId="site-packets-chart"
            title={`Packets, ${label}`}
            describe={`Packets per second the site's data plane passed in from and out to the WAN, ${label}`}
            rows={packetRows}
            lines={packetLines}
            from={from}
            to={to}
            leftFormat={formatPacketRate}
            empty="No packet counts in this window (reported by boxes running the eBPF data plane)."
            loading={rx.isPending || tx.isPending}
          />
        </div>
        <div className="min-w-0">
          <TimeChart
            testId="site-drops-chart"
            title={`Drops by reason, ${label}`}
            describe={`Packets per second the site's data plane dropped, by reason, ${label}`}
            rows={dropRows}
            lines={dropLines}
            from={from}
            to={to}
            leftFormat={formatPacketRate}
            empty="Nothing dropped in this window."
            loading={drops.isPending}
          />
        </div>
      </div>
    </Card>
  );
}
