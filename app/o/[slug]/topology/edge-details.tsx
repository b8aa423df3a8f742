"use client";

import { useEffect, useRef } from "react";
import { Badge, TableWrap, Td, Th } from "@/app/_components/status-ui";
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
      <TableWrap label={`Paths between ${a?.name ?? edge.a} and ${b?.name ?? edge.b}`}>
        <table className="w-full text-left text-sm" data-testid="topology-path-table">
          <thead>
            <tr className="border-b border-slate-200 text-slate-600">
              <Th>{a?.name ?? "A"} link</Th>
              <Th>{b?.name ?? "B"} link</Th>
              <Th>Health</Th>
              <Th className="text-right">Latency</Th>
              <Th className="text-right">Jitter</Th>
              <Th className="text-right">Loss</Th>
              <Th>Classes on it</Th>
            </tr>
          </thead>
          <tbody>
            {edge.paths.map((p) => (
              <tr
                key={p.id}
                className="border-b border-slate-100"
                data-testid="topology-path-row"
                data-path-id={p.id}
                data-health={p.health}
              >
                <Td className="font-medium">{p.aLink}</Td>
                <Td className="font-medium">{p.bLink}</Td>
                <Td>
                  <HealthBadge health={p.health} />
                </Td>
                <Td className="text-right tabular-nums whitespace-nowrap">{fmtMs(p.latencyMs)}</Td>
                <Td className="text-right tabular-nums whitespace-nowrap">{fmtMs(p.jitterMs)}</Td>
                <Td className="text-right tabular-nums whitespace-nowrap">{fmtPct(p.lossPct)}</Td>
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
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Card>
  );
}
