"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ListCard } from "@/app/_components/list-card";
import { OnlineDot, Td } from "@/app/_components/status-ui";
import { useTRPC } from "@/app/_trpc/client";

export function SiteList({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const sites = useQuery(trpc.site.list.queryOptions({ orgSlug }, { refetchInterval: 5_000 }));
  return (
    <ListCard
      title="Your sites"
      label="Sites"
      rows={sites.data}
      error={sites.error}
      empty="No sites yet. Create one, then enroll its box."
      columns={[
        "Name",
        "Devices online",
        { label: "Interfaces", className: "hidden sm:table-cell" },
      ]}
      rowData={(s) => ({ "data-testid": "site-row", "data-site-id": s.id })}
      cells={(s) => (
        <>
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
        </>
      )}
    />
  );
}
