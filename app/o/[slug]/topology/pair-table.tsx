import { DataTable } from "@/app/_components/data-table";
import { NumTd, OnlineDot, Td } from "@/app/_components/status-ui";
import { Button } from "@/app/_components/ui";
import { fmtMs, fmtPct, HealthBadge, ROLE_LABEL } from "../_overlay/health";
import { bestPath, pathsUp, type TopoEdge, type TopoSite } from "./summary";

/** The map as a table: one row per site pair, for screen readers and a quick scan. */
export function PairTable({
  sites,
  edges,
  selected,
  onSelect,
}: {
  sites: TopoSite[];
  edges: TopoEdge[];
  selected: string | null;
  onSelect: (edgeId: string) => void;
}) {
  const name = (id: string) => sites.find((s) => s.id === id)?.name ?? id;
  return (
    <DataTable
      label="Site pairs"
      columns={[
        "Site pair",
        "Health",
        "Paths up",
        { label: "Best latency", className: "text-right" },
        { label: "Loss", className: "text-right" },
      ]}
      rows={edges}
      empty="No tunnels yet: sites need WAN links (one side of each pair with a public address)."
      emptyTestId="topology-no-edges"
      rowClassName={(e) => (e.id === selected ? "bg-brand-50" : "")}
      rowData={(e) => ({
        "data-testid": "topology-edge-row",
        "data-edge-id": e.id,
        "data-health": e.health,
      })}
      cells={(e) => {
        const best = bestPath(e);
        return (
          <>
            <Td className="font-medium">
              {name(e.a)} <span aria-hidden="true">↔</span>
              <span className="sr-only"> and </span> {name(e.b)}
            </Td>
            <Td>
              <HealthBadge health={e.health} />
            </Td>
            <Td className="tabular-nums">
              {pathsUp(e)} / {e.paths.length}
            </Td>
            <NumTd>{fmtMs(best?.latencyMs)}</NumTd>
            <NumTd>{fmtPct(best?.lossPct)}</NumTd>
          </>
        );
      }}
      actionsLabel="Details"
      actions={(e) => (
        <Button
          variant="secondary"
          aria-pressed={e.id === selected}
          aria-label={`Paths between ${name(e.a)} and ${name(e.b)}`}
          onClick={() => onSelect(e.id)}
        >
          Paths
        </Button>
      )}
    />
  );
}

/** Every site with its role and devices: what the map's boxes say, in words. */
export function SiteTable({ sites }: { sites: TopoSite[] }) {
  return (
    <DataTable
      label="Sites on the map"
      columns={["Site", "Role", "Devices online", "WAN links"]}
      rows={sites}
      rowData={(s) => ({
        "data-testid": "topology-site-row",
        "data-site-id": s.id,
        "data-role": s.role,
        "data-online": String(s.online),
      })}
      cells={(s) => (
        <>
          <Td className="font-medium">{s.name}</Td>
          <Td>{ROLE_LABEL[s.role] ?? s.role}</Td>
          <Td>
            <OnlineDot online={s.online}>
              {s.devicesOnline}/{s.devices}
            </OnlineDot>
          </Td>
          <Td className="text-xs">{s.links.map((l) => l.name).join(", ") || "—"}</Td>
        </>
      )}
    />
  );
}
