"use client";

import { Handle, type Node, type NodeProps, Position } from "@xyflow/react";
import { ROLE_LABEL } from "../_overlay/health";
import type { TopoSite } from "./summary";

export type SiteNodeData = { site: TopoSite };
export type SiteNode = Node<SiteNodeData, "site">;

const ROLE_STYLE: Record<string, string> = {
  edge: "border-slate-300 bg-white",
  hub: "border-2 border-brand-600 bg-brand-50",
  cloud_gateway: "border-2 border-dashed border-violet-600 bg-violet-50",
};

/** Edges meet at the centre: both handles sit there, invisible and not connectable. */
const centre = { left: "50%", top: "50%", opacity: 0, pointerEvents: "none" } as const;

export function SiteNodeView({ data }: NodeProps<SiteNode>) {
  const { site } = data;
  return (
    <div
      className={`flex h-full w-full flex-col justify-center rounded-lg px-3 text-left shadow-sm ${
        ROLE_STYLE[site.role] ?? ROLE_STYLE.edge
      }`}
      data-testid="topology-node"
      data-site-id={site.id}
      data-online={String(site.online)}
    >
      <Handle type="target" position={Position.Top} style={centre} isConnectable={false} />
      <span className="truncate text-sm font-semibold text-slate-900">{site.name}</span>
      <span className="flex items-center gap-1.5 truncate text-xs text-slate-700">
        <span
          aria-hidden="true"
          className={`size-2 shrink-0 rounded-full ${site.online ? "bg-green-600" : "bg-slate-400"}`}
        />
        {ROLE_LABEL[site.role] ?? site.role} · {site.online ? "online" : "offline"}
      </span>
      <Handle type="source" position={Position.Top} style={centre} isConnectable={false} />
    </div>
  );
}
