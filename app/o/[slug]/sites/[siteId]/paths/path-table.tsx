import { DataTable } from "@/app/_components/data-table";
import { NumTd, Td } from "@/app/_components/status-ui";
import { Card } from "@/app/_components/ui";
import { fmtMos, fmtMs, fmtPct, HealthBadge, TunnelBadge } from "../../../_overlay/health";
import type { SitePath } from "./path-label";

/** Every tunnel of the site with its last measurement window. */
export function PathTable({ paths }: { paths: SitePath[] }) {
  return (
    <Card>
      <h2 className="mb-1 font-semibold">Paths</h2>
      <p className="mb-3 text-sm text-slate-700">
        One encrypted tunnel per link pair; measured by probes over the last 3 s, updated every 5 s.
      </p>
      <DataTable
        label="Paths"
        columns={[
          "Local link",
          "Remote site / link",
          "Health",
          "Tunnel",
          { label: "Latency", className: "text-right" },
          { label: "Jitter", className: "text-right" },
          { label: "Loss", className: "text-right" },
          { label: "MOS", className: "text-right" },
        ]}
        rows={paths}
        empty="No paths yet: the site needs a WAN link, and another site in its topology one too."
        rowData={(p) => ({
          "data-testid": "path-row",
          "data-path-id": p.id,
          "data-health": p.health,
          "data-tunnel": p.tunnel,
        })}
        cells={(p) => (
          <>
            <Td className="font-medium">{p.localLink}</Td>
            <Td>
              {p.remoteSite.name} <span className="text-slate-600">/ {p.remoteLink}</span>
            </Td>
            <Td>
              <HealthBadge health={p.health} />
            </Td>
            <Td>
              <TunnelBadge state={p.tunnel} />
            </Td>
            <NumTd>{fmtMs(p.latencyMs)}</NumTd>
            <NumTd>{fmtMs(p.jitterMs)}</NumTd>
            <NumTd>{fmtPct(p.lossPct)}</NumTd>
            <NumTd>{fmtMos(p.mos)}</NumTd>
          </>
        )}
      />
    </Card>
  );
}
