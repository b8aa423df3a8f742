import { TableWrap, Td, Th } from "@/app/_components/status-ui";
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
      {paths.length === 0 && (
        <p className="text-sm text-slate-600">
          No paths yet: the site needs a WAN link, and another site in its topology one too.
        </p>
      )}
      {paths.length > 0 && (
        <TableWrap label="Paths">
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <Th>Local link</Th>
                <Th>Remote site / link</Th>
                <Th>Health</Th>
                <Th>Tunnel</Th>
                <Th className="text-right">Latency</Th>
                <Th className="text-right">Jitter</Th>
                <Th className="text-right">Loss</Th>
                <Th className="text-right">MOS</Th>
              </tr>
            </thead>
            <tbody>
              {paths.map((p) => (
                <tr
                  key={p.id}
                  className="border-b border-slate-100"
                  data-testid="path-row"
                  data-path-id={p.id}
                  data-health={p.health}
                  data-tunnel={p.tunnel}
                >
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
                  <Td className="text-right tabular-nums whitespace-nowrap">
                    {fmtMs(p.latencyMs)}
                  </Td>
                  <Td className="text-right tabular-nums whitespace-nowrap">{fmtMs(p.jitterMs)}</Td>
                  <Td className="text-right tabular-nums whitespace-nowrap">{fmtPct(p.lossPct)}</Td>
                  <Td className="text-right tabular-nums">{fmtMos(p.mos)}</Td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Card>
  );
}
