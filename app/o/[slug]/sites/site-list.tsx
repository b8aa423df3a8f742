"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { OnlineDot, TableWrap, Td, Th } from "@/app/_components/status-ui";
import { Alert, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

export function SiteList({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const sites = useQuery(trpc.site.list.queryOptions({ orgSlug }, { refetchInterval: 5_000 }));
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Your sites</h2>
      {sites.error && <Alert>{sites.error.message}</Alert>}
      {sites.isPending && <p className="text-sm text-slate-600">Loading…</p>}
      {sites.data?.length === 0 && (
        <p className="text-sm text-slate-600">No sites yet. Create one, then enroll its box.</p>
      )}
      {!!sites.data?.length && (
        <TableWrap label="Sites">
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <Th>Name</Th>
                <Th>Devices online</Th>
                <Th className="hidden sm:table-cell">Interfaces</Th>
              </tr>
            </thead>
            <tbody>
              {sites.data.map((s) => (
                <tr
                  key={s.id}
                  className="border-b border-slate-100"
                  data-testid="site-row"
                  data-site-id={s.id}
                >
                  <Td>
                    <Link
                      href={`/o/${orgSlug}/sites/${s.id}`}
                      className="font-medium text-brand-700 underline"
                    >
                      {s.name}
                    </Link>
                    {s.description && <p className="text-xs text-slate-600">{s.description}</p>}
                  </Td>
                  <Td>
                    <OnlineDot online={s.online > 0}>
                      <span data-testid="site-devices">
                        {s.online}/{s.devices}
                      </span>
                      <span className="sr-only"> devices online</span>
                    </OnlineDot>
                  </Td>
                  <Td className="hidden font-mono text-xs sm:table-cell">
                    WAN {s.settings.wan} · LAN {s.settings.lan}
                    {s.settings.wanAddress && ` · ${s.settings.wanAddress}`}
                  </Td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Card>
  );
}
