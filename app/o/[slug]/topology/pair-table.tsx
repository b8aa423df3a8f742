import { OnlineDot, TableWrap, Td, Th } from "@/app/_components/status-ui";
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
  if (edges.length === 0)
    return (
      <p className="text-sm text-slate-600" data-testid="topology-no-edges">
        No tunnels yet: sites need WAN links (one side of each pair with a public address).
      </p>
    );
  return (
    <TableWrap label="Site pairs">
      <table className="w-full text-left text-sm">
        <thead>
          <tr className="border-b border-slate-200 text-slate-600">
            <Th>Site pair</Th>
            <Th>Health</Th>
            <Th>Paths up</Th>
            <Th className="text-right">Best latency</Th>
            <Th className="text-right">Loss</Th>
            <Th>
              <span className="sr-only">Details</span>
            </Th>
          </tr>
        </thead>
        <tbody>
          {edges.map((e) => {
            const best = bestPath(e);
            return (
              <tr
                key={e.id}
                className={`border-b border-slate-100 ${e.id === selected ? "bg-brand-50" : ""}`}
                data-testid="topology-edge-row"
                data-edge-id={e.id}
                data-health={e.health}
              >
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
                <Td className="text-right tabular-nums whitespace-nowrap">
                  {fmtMs(best?.latencyMs)}
                </Td>
                <Td className="text-right tabular-nums whitespace-nowrap">
                  {fmtPct(best?.lossPct)}
                </Td>
                <Td className="text-right">
                  <Button
                    variant="secondary"
                    aria-pressed={e.id === selected}
                    aria-label={`Paths between ${name(e.a)} and ${name(e.b)}`}
                    onClick={() => onSelect(e.id)}
                  >
                    Paths
                  </Button>
                </Td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Every site with its role and devices: what the map's boxes say, in words. */
export function SiteTable({ sites }: { sites: TopoSite[] }) {
  return (
    <TableWrap label="Sites on the map">
      <table className="w-full text-left text-sm">
        <thead>
          <tr className="border-b border-slate-200 text-slate-600">
            <Th>Site</Th>
            <Th>Role</Th>
            <Th>Devices online</Th>
            <Th>WAN links</Th>
          </tr>
        </thead>
        <tbody>
          {sites.map((s) => (
            <tr
              key={s.id}
              className="border-b border-slate-100"
              data-testid="topology-site-row"
              data-site-id={s.id}
              data-role={s.role}
              data-online={String(s.online)}
            >
              <Td className="font-medium">{s.name}</Td>
              <Td>{ROLE_LABEL[s.role] ?? s.role}</Td>
              <Td>
                <OnlineDot online={s.online}>
                  {s.devicesOnline}/{s.devices}
                </OnlineDot>
              </Td>
              <Td className="text-xs">{s.links.map((l) => l.name).join(", ") || "—"}</Td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
