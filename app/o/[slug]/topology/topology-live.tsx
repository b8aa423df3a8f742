"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { timeAgo } from "@/app/_components/time";
import { Alert, Card } from "@/app/_components/ui";
import { useNow } from "@/app/_components/use-now";
import { useTRPC } from "@/app/_trpc/client";
import { HEALTH_STROKE, type PathHealth } from "../_overlay/health";
import { EdgeDetails } from "./edge-details";
import { PairTable, SiteTable } from "./pair-table";
import { TopologyGraph } from "./topology-graph";

const TOPOLOGY_LABEL = {
  hub_spoke: "Hub and spoke",
  full_mesh: "Full mesh",
  partial_mesh: "Partial mesh",
} as const;

/** The org's overlay, live (every 3 s): the map, the pair you picked, and the map as tables. */
export function TopologyLive({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const now = useNow(3_000);
  const topo = useQuery(
    trpc.overlay.topology.queryOptions({ orgSlug }, { refetchInterval: 3_000 }),
  );
  const [selected, setSelected] = useState<{ id: string; focus: boolean } | null>(null);

  if (topo.error) return <Alert>{topo.error.message}</Alert>;
  if (!topo.data)
    return (
      <Card>
        <p className="text-sm text-slate-600">Loading…</p>
      </Card>
    );
  const { sites, edges, measuredAt, topology } = topo.data;
  const edge = selected ? edges.find((e) => e.id === selected.id) : undefined;
  const select = (focus: boolean) => (id: string) => setSelected({ id, focus });

  return (
    <div className="space-y-6">
      <Card>
        <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h2 className="font-semibold">
            {TOPOLOGY_LABEL[topology]}{" "}
            <span className="text-sm font-normal text-slate-600">
              · {sites.length} sites · {edges.length} site pairs with tunnels
            </span>
          </h2>
          <p className="text-xs text-slate-600" data-testid="topology-measured">
            {measuredAt ? `Measured ${timeAgo(new Date(measuredAt), now)}` : "No measurements yet"}
          </p>
        </div>
        {sites.length === 0 ? (
          <p className="text-sm text-slate-600">No sites yet.</p>
        ) : (
          <TopologyGraph
            sites={sites}
            edges={edges}
            selected={edge?.id ?? null}
            onSelect={select(false)}
          />
        )}
        <Legend />
      </Card>
      {edge && (
        <EdgeDetails
          edge={edge}
          sites={sites}
          focus={selected?.focus ?? false}
          onClose={() => setSelected(null)}
        />
      )}
      <Card>
        <h2 className="mb-3 font-semibold">Site pairs</h2>
        <PairTable
          sites={sites}
          edges={edges}
          selected={edge?.id ?? null}
          onSelect={select(true)}
        />
      </Card>
      {sites.length > 0 && (
        <Card>
          <h2 className="mb-3 font-semibold">Sites</h2>
          <SiteTable sites={sites} />
        </Card>
      )}
    </div>
  );
}

function Legend() {
  const health: { h: PathHealth; text: string }[] = [
    { h: "up", text: "up" },
    { h: "degraded", text: "degraded (misses an SLA)" },
    { h: "down", text: "down (dashed)" },
    { h: "unknown", text: "no data" },
  ];
  return (
    <div className="mt-3 flex flex-wrap gap-x-5 gap-y-2 text-xs text-slate-700">
      <span className="font-medium">Lines:</span>
      {health.map(({ h, text }) => (
        <span key={h} className="inline-flex items-center gap-1.5">
          <svg width="24" height="6" aria-hidden="true">
            <line
              x1="0"
              y1="3"
              x2="24"
              y2="3"
              stroke={HEALTH_STROKE[h]}
              strokeWidth="3"
              strokeDasharray={h === "down" ? "6 4" : undefined}
            />
          </svg>
          {text}
        </span>
      ))}
      <span className="font-medium">Boxes:</span>
      <span className="inline-flex items-center gap-1.5">
        <span aria-hidden="true" className="h-3 w-5 rounded-sm border border-slate-300 bg-white" />
        edge
      </span>
      <span className="inline-flex items-center gap-1.5">
        <span
          aria-hidden="true"
          className="h-3 w-5 rounded-sm border-2 border-brand-600 bg-brand-50"
        />
        hub
      </span>
      <span className="inline-flex items-center gap-1.5">
        <span
          aria-hidden="true"
          className="h-3 w-5 rounded-sm border-2 border-dashed border-violet-600 bg-violet-50"
        />
        cloud gateway
      </span>
    </div>
  );
}
