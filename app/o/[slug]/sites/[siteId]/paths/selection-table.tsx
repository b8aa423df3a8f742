"use client";

import { DataTable } from "@/app/_components/data-table";
import { Td } from "@/app/_components/status-ui";
import { timeAgo } from "@/app/_components/time";
import { Card } from "@/app/_components/ui";
import { useNow } from "@/app/_components/use-now";
import type { SitePathsView } from "@/server/domains/overlay/services/views";
import { HealthBadge } from "../../../_overlay/health";
import { pathLabel, type SitePath } from "./path-label";

/** Where each application class (and steering policy) goes now, per remote site. */
export function SelectionTable({
  selection,
  paths,
}: {
  selection: SitePathsView["selection"];
  paths: SitePath[];
}) {
  const now = useNow();
  const byId = new Map(paths.map((p) => [p.id, p]));
  return (
    <Card>
      <h2 className="mb-1 font-semibold">Where each application goes now</h2>
      <p className="mb-3 text-sm text-slate-700">
        The path the site's box chose for each class and policy, per remote site.
      </p>
      <DataTable
        label="Path selection"
        columns={["Class or policy", "To site", "Path", "Path health", "Since"]}
        // One row per class (or policy) and remote site.
        rows={selection.map((s) => ({ ...s, id: `${s.unit}@${s.remoteSite.id}` }))}
        empty="The box has not reported a selection yet."
        rowData={(s) => ({
          "data-testid": "selection-row",
          "data-unit": s.unit,
          "data-path-id": s.pathId ?? "",
        })}
        cells={(s) => {
          const path = s.pathId ? byId.get(s.pathId) : undefined;
          return (
            <>
              <Td className="font-medium">{s.unitName}</Td>
              <Td>{s.remoteSite.name}</Td>
              <Td className="text-xs">
                {path ? (
                  pathLabel(path)
                ) : s.pathId ? (
                  <span className="font-mono">{s.pathId}</span>
                ) : (
                  <span className="text-slate-600">no path</span>
                )}
              </Td>
              <Td>{path && <HealthBadge health={path.health} />}</Td>
              <Td className="whitespace-nowrap">{timeAgo(new Date(s.since), now)}</Td>
            </>
          );
        }}
      />
    </Card>
  );
}
