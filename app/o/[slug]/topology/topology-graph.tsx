"use client";

import "@xyflow/react/dist/style.css";
import { Background, Controls, type Edge, Position, ReactFlow } from "@xyflow/react";
import { useMemo } from "react";
import { useTheme } from "@/app/_components/theme-toggle";
import { HEALTH_STROKE } from "../_overlay/health";
import { layoutSites, NODE_H, NODE_W } from "./place-sites";
import { type SiteNode, SiteNodeView } from "./site-node";
import { edgeLabel, type TopoEdge, type TopoSite } from "./summary";

const nodeTypes = { site: SiteNodeView };

// Handles declared up front (centre of the node), so edges draw before any measuring.
const HANDLES = [
  {
    type: "source" as const,
    position: Position.Top,
    x: NODE_W / 2,
    y: NODE_H / 2,
    width: 1,
    height: 1,
  },
  {
    type: "target" as const,
    position: Position.Top,
    x: NODE_W / 2,
    y: NODE_H / 2,
    width: 1,
    height: 1,
  },
];

interface Props {
  sites: TopoSite[];
  edges: TopoEdge[];
  selected: string | null;
  onSelect: (edgeId: string) => void;
}

/** The map: sites by role, one line per site pair coloured by its health, labelled. */
export function TopologyGraph({ sites, edges, selected, onSelect }: Props) {
  // React Flow's own colours (controls, background) follow the portal's theme.
  const colorMode = useTheme();
  // Positions depend only on which sites exist and their roles, not on live health.
  const layoutKey = sites.map((s) => `${s.id}:${s.role}:${s.name}`).join("|");
  // biome-ignore lint/correctness/useExhaustiveDependencies: layoutKey stands for `sites`
  const positions = useMemo(() => layoutSites(sites), [layoutKey]);
  const names = new Map(sites.map((s) => [s.id, s.name]));

  const nodes: SiteNode[] = sites.map((site) => {
    const c = positions.get(site.id) ?? { x: 0, y: 0 };
    return {
      id: site.id,
      type: "site",
      position: { x: c.x - NODE_W / 2, y: c.y - NODE_H / 2 },
      width: NODE_W,
      height: NODE_H,
      handles: HANDLES,
      data: { site },
      draggable: false,
      connectable: false,
      ariaLabel: `${site.name}: ${site.role.replace("_", " ")}, ${site.online ? "online" : "offline"}, ${site.devicesOnline} of ${site.devices} devices online`,
    };
  });

  const flowEdges: Edge[] = edges.map((e) => {
    const isSelected = e.id === selected;
    const label = edgeLabel(e);
    return {
      id: e.id,
      source: e.a,
      target: e.b,
      type: "straight",
      label,
      labelStyle: { fill: "var(--color-fg)", fontSize: 11, fontWeight: 500 },
      labelBgStyle: { fill: "var(--color-surface)", fillOpacity: 0.95 },
      labelBgPadding: [4, 2],
      labelBgBorderRadius: 4,
      interactionWidth: 24,
      style: {
        stroke: HEALTH_STROKE[e.health],
        strokeWidth: isSelected ? 5 : 3,
        strokeDasharray: e.health === "down" ? "6 4" : undefined,
      },
      ariaLabel: `${names.get(e.a) ?? e.a} to ${names.get(e.b) ?? e.b}: ${e.health}, ${label}. Press Enter for its paths.`,
      domAttributes: {
        "data-health": e.health,
        onKeyDown: (ev) => {
          if (ev.key === "Enter" || ev.key === " ") {
            ev.preventDefault();
            onSelect(e.id);
          }
        },
      } as Edge["domAttributes"],
    };
  });

  return (
    <div
      className="h-[28rem] w-full overflow-hidden rounded-md border border-slate-200 bg-slate-50"
      data-testid="topology-graph"
      data-edges={edges.length}
      data-sites={sites.length}
    >
      <ReactFlow
        colorMode={colorMode}
        aria-label="Topology map"
        nodes={nodes}
        edges={flowEdges}
        nodeTypes={nodeTypes}
        onEdgeClick={(_, edge) => onSelect(edge.id)}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        edgesFocusable
        zoomOnScroll={false}
        preventScrolling={false}
        fitView
        fitViewOptions={{ padding: 0.15 }}
        minZoom={0.2}
        maxZoom={2}
      >
        <Background gap={24} color="var(--color-slate-300)" />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
