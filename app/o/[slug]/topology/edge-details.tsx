"use client";

import { useEffect, useRef } from "react";
import { DataTable } from "@/app/_components/data-table";
import { Badge, NumTd, Td } from "@/app/_components/status-ui";
import { Button, Card } from "@/app/_components/ui";
import { fmtMs, fmtPct, HealthBadge } from "../_overlay/health";
import type { TopoEdge, TopoSite } from "./summary";

/** Every path (link pair) of one site pair, with its numbers and the classes on it now. */
export function EdgeDetails({
  edge,
  sites,
  focus,
  onClose,
}: {
  edge: TopoEdge;
  sites: TopoSite[];
  /** Move focus to the panel (opened from the keyboard). */
  focus: boolean;
  onClose: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: refocus when another pair opens
  useEffect(() => {
    if (focus) heading.current?.focus();
  }, [focus, edge.id]);
  const a = sites.find((s) => s.id === edge.a);
  const b = sites.find((s) => s.id === edge.b);
  return (
    <Card>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 ref={heading} tabIndex={-1} className="font-semibold">
          Paths between {a?.name ?? edge.a} and {b?.name ?? edge.b}{" "}
          <HealthBadge health={edge.health} />
        </h2>
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
      </div>
      <DataTable
        label={`Paths between ${a?.name ?? edge.a} and ${b?.name ?? edge.b}`}
        tableTestId="topology-path-table"
        columns={[
          `${a?.name ?? "A"} link`,
          `${b?.name ?? "B"} link`,
          "Health",
          { label: "Latency", className: "text-right" },
          { label: "Jitter", className: "text-right" },
          { label: "Loss", className: "text-right" },
          "Classes on it",
        ]}
        rows={edge.paths}
        rowData={(p) => ({
          "data-testid": "topology-path-row",
          "data-path-id": p.id,
          "data-health": p.health,
        })}
        cells={(p) => (
          <>
            <Td className="font-medium">{p.aLink}</Td>
            <Td className="font-medium">{p.bLink}</Td>
            <Td>
              <HealthBadge health={p.health} />
            </Td>
            <NumTd>{fmtMs(p.latencyMs)}</NumTd>
            <NumTd>{fmtMs(p.jitterMs)}</NumTd>
            <NumTd>{fmtPct(p.lossPct)}</NumTd>
            <Td>
              {p.classes.length === 0 ? (
                <span className="text-slate-600">—</span>
              ) : (
                <div className="flex flex-wrap gap-1">
                  {p.classes.map((c) => (
                    <Badge key={c} tone="blue">
                      {c}
                    </Badge>
                  ))}
                </div>
              )}
            </Td>
          </>
        )}
      />
    </Card>
  );
}
